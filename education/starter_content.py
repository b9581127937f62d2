"""Starter leaflets for the patient-education app.

These three leaflets (milia overview, care after milia removal, signs of an
infected milium) are written in English and French from the source article
"Infected milia: what to do?" (a consumer-health article, machine-translated
from French) and the four references it cites. The sentences are our own; the
facts come from the article and its references.

They are starter content only. A clinician at the clinic must review and
approve each leaflet (wording, advice and references) before it is shown to
patients.

Plain Python data: no Django imports. Body HTML uses only h2, h3, p, strong,
em, ul, ol, li and a (href only). "When to get help" signs live in
``help_signs``, not in the body. Each sign is one short sentence describing
the situation ("A bump becomes red, swollen or painful."): the app shows it
under the lead-in for its urgency ("Contact your clinic or a doctor today
if:") with the clinic's own contact details, so the signs carry no phone
numbers.
"""

REFERENCES = [
    "Berk DR, Bayliss SJ. Milia: a review and classification. J Am Acad Dermatol. 2008;59(6):1050-1063.",
    "Barbarot S, et al. Les grains de milium de l'enfant [Milia in children]. Ann Dermatol Venereol. 2009.",
    "Trouche F. Les infections bactériennes [Bacterial skin infections] [Internet]. "
    "Dermato-Info (Société Française de Dermatologie); 2019.",
    "Gallardo Avila PP, Mendez MD. Milia. In: StatPearls [Internet]. "
    "Treasure Island (FL): StatPearls Publishing; 2023.",
]

# The same references for the French leaflets: the French titles need no English translation.
REFERENCES_FR = [
    REFERENCES[0],
    "Barbarot S, et al. Les grains de milium de l'enfant. Ann Dermatol Venereol. 2009.",
    "Trouche F. Les infections bactériennes [Internet]. Dermato-Info (Société Française de Dermatologie); 2019.",
    REFERENCES[3],
]

_CHANGE_NOTE_EN = "First version, written from the source article for clinical review."
_CHANGE_NOTE_FR = "Première version, rédigée à partir de l'article source, à relire par l'équipe clinique."


STARTER_LEAFLETS = [
    # ------------------------------------------------------------------
    # 1. Milia: overview
    # ------------------------------------------------------------------
    {
        "slug": "milia-overview",
        "name": "Milia: overview",
        "topic": "Dermatology",
        "versions": {
            "en": {
                "title": "Milia: small white bumps on the skin",
                "summary": (
                    "This leaflet explains milia, the small white bumps that often appear on the face. "
                    "It is for anyone who has milia, and for parents of babies or children who have them."
                ),
                "body": (
                    "<h2>Key points</h2>"
                    "<ul>"
                    "<li>Milia are small white bumps under the skin, and they are harmless.</li>"
                    "<li>They usually go away naturally, so most people do not need any treatment.</li>"
                    "<li>Squeezing or picking them can cause an infection or leave a scar.</li>"
                    "<li>If they bother you, a trained clinician can remove them safely at the clinic.</li>"
                    "</ul>"
                    "<h2>What are milia?</h2>"
                    "<p>Milia (say \u201cMIL-ee-uh\u201d) are tiny, hard bumps that sit just under the surface "
                    "of the skin. A single bump is called a milium. Milia are white or yellowish and about "
                    "the size of a pinhead.</p>"
                    "<p>Each bump is a small cyst, which is a closed pocket under the skin. It is filled with "
                    "keratin, a natural protein that your skin makes. Because the cyst has no opening, it is "
                    "not a whitehead or a pimple.</p>"
                    "<h2>Where do they appear, and who gets them?</h2>"
                    "<p>Milia usually appear on the face, especially in these places:</p>"
                    "<ul>"
                    "<li>the eyelids and the skin around the eyes</li>"
                    "<li>the nose</li>"
                    "<li>the cheeks and chin</li>"
                    "</ul>"
                    "<p>Anyone can get milia at any age. They are very common in newborn babies, but children "
                    "and adults often get them too.</p>"
                    "<h2>Are milia harmful?</h2>"
                    "<p>No. Milia are not painful, and you cannot catch them from another person. "
                    "In babies, they usually disappear on their own within a few weeks. "
                    "In older children and adults, they can last longer, sometimes for several months.</p>"
                    "<h2>Do I need treatment?</h2>"
                    "<p>Most people do not need any treatment. You can simply leave milia alone and wait for "
                    "them to clear. If they bother you, talk to your clinic about removal. A trained "
                    "clinician, such as a dermatologist (skin doctor), can remove them.</p>"
                    "<h2>How are milia removed?</h2>"
                    "<p>Removal is a quick procedure that is done at the clinic. Your clinician will usually:</p>"
                    "<ol>"
                    "<li>clean the skin carefully</li>"
                    "<li>make a tiny opening in each bump with a sterile (germ-free) needle or blade</li>"
                    "<li>gently press out the keratin from inside the bump</li>"
                    "</ol>"
                    "<p>A tiny scab may form afterwards, and it usually heals by itself. Your clinic will "
                    "explain how to look after your skin at home.</p>"
                    "<h2>Can I remove them myself?</h2>"
                    "<p>Please do not try to remove milia yourself. Your fingers and home tools are not "
                    "germ-free, even when they look clean. Opening the skin can let germs in and cause an "
                    "infection. It can also leave a small scar, especially on the delicate skin near your eyes.</p>"
                    "<h2>What can I do?</h2>"
                    "<ul>"
                    "<li>Leave the bumps alone and give them time to clear naturally.</li>"
                    "<li>Wash your face gently with a mild cleanser and water.</li>"
                    "<li>Avoid harsh scrubs and exfoliating products on the bumps.</li>"
                    "<li>Ask your clinic about removal if the bumps bother you.</li>"
                    "</ul>"
                ),
                # Shown under the app's lead-in for each urgency ("Contact your clinic ... if:").
                "help_signs": [
                    {"urgency": "routine", "text": "Your milia bother you or do not go away."},
                    {"urgency": "routine", "text": "You are not sure whether the bumps are milia."},
                    {"urgency": "urgent", "text": "A bump becomes red, swollen or painful."},
                    {"urgency": "urgent", "text": "You see pus, or a bump looks different after it was opened."},
                    {
                        "urgency": "emergency",
                        "text": "You have a fever or feel very unwell, and the redness is spreading.",
                    },
                ],
                "references": REFERENCES,
                "change_note": _CHANGE_NOTE_EN,
            },
            "fr": {
                "title": "Grains de milium : petits boutons blancs sur la peau",
                "summary": (
                    "Cette fiche explique ce que sont les grains de milium, ces petits boutons blancs "
                    "souvent situés sur le visage. Elle s'adresse à toute personne qui en a, "
                    "et aux parents d'un bébé ou d'un enfant qui en a."
                ),
                "body": (
                    "<h2>Points clés</h2>"
                    "<ul>"
                    "<li>Les grains de milium sont de petits boutons blancs sous la peau. Ils sont sans danger.</li>"
                    "<li>En général, ils partent tout seuls. La plupart du temps, aucun traitement n'est utile.</li>"
                    "<li>Ne les pressez pas et ne les percez pas. Cela peut causer une infection ou une cicatrice.</li>"
                    "<li>S'ils vous gênent, un soignant formé peut les retirer sans risque à la clinique.</li>"
                    "</ul>"
                    "<h2>Qu'est-ce qu'un grain de milium ?</h2>"
                    "<p>C'est un tout petit kyste (une petite poche fermée) situé juste sous la peau. "
                    "Il contient de la kératine, une protéine que fabrique votre peau. "
                    "On voit une petite boule dure, blanche ou jaunâtre, de la taille d'une tête d'épingle.</p>"
                    "<p>Le kyste n'a pas d'ouverture. Ce n'est donc ni un point blanc ni un bouton d'acné.</p>"
                    "<h2>Où apparaissent-ils et qui en a ?</h2>"
                    "<p>On les trouve surtout sur le visage :</p>"
                    "<ul>"
                    "<li>sur les paupières et autour des yeux ;</li>"
                    "<li>sur le nez ;</li>"
                    "<li>sur les joues et le menton.</li>"
                    "</ul>"
                    "<p>Tout le monde peut en avoir. Ils sont très fréquents chez les nouveau-nés. "
                    "Les enfants et les adultes en ont aussi.</p>"
                    "<h2>Est-ce grave ?</h2>"
                    "<p>Non. Les grains de milium ne font pas mal et ne sont pas contagieux. "
                    "Chez le bébé, ils partent en général tout seuls en quelques semaines. "
                    "Chez les enfants plus grands et les adultes, ils peuvent durer plus longtemps, parfois plusieurs mois.</p>"
                    "<h2>Faut-il les traiter ?</h2>"
                    "<p>Le plus souvent, non. Vous pouvez les laisser et attendre qu'ils disparaissent. "
                    "S'ils vous gênent, parlez-en à votre clinique. Un soignant formé, par exemple "
                    "un dermatologue (médecin de la peau), peut les retirer.</p>"
                    "<h2>Comment les retire-t-on ?</h2>"
                    "<p>Le retrait est un geste rapide, fait à la clinique. En général, le soignant va :</p>"
                    "<ol>"
                    "<li>nettoyer votre peau avec soin ;</li>"
                    "<li>faire une toute petite ouverture dans chaque grain, avec une aiguille ou une lame stérile ;</li>"
                    "<li>faire sortir doucement la kératine.</li>"
                    "</ol>"
                    "<p>Une toute petite croûte peut se former ensuite. En général, elle guérit toute seule. "
                    "La clinique vous dira comment prendre soin de votre peau à la maison.</p>"
                    "<h2>Puis-je les retirer moi-même ?</h2>"
                    "<p>Non. N'essayez pas de les retirer vous-même. Vos doigts et les outils maison ne sont pas stériles, "
                    "même s'ils semblent propres. "
                    "Si vous ouvrez la peau, des microbes peuvent entrer et causer une infection. "
                    "Une petite cicatrice peut aussi rester, surtout près des yeux.</p>"
                    "<h2>Que puis-je faire ?</h2>"
                    "<ul>"
                    "<li>Laissez les grains tranquilles et donnez-leur le temps de partir.</li>"
                    "<li>Lavez votre visage en douceur, avec un nettoyant doux et de l'eau.</li>"
                    "<li>Sur les grains, n'utilisez pas de gommage fort ni de produit qui fait peler la peau.</li>"
                    "<li>Parlez du retrait à votre clinique si les grains vous gênent.</li>"
                    "</ul>"
                ),
                # Shown under the app's lead-in for each urgency ("Contact your clinic ... if:").
                "help_signs": [
                    {"urgency": "routine", "text": "Vos grains de milium vous gênent ou ne partent pas."},
                    {"urgency": "routine", "text": "Vous ne savez pas s'il s'agit bien de grains de milium."},
                    {"urgency": "urgent", "text": "Un grain devient rouge, gonflé ou douloureux."},
                    {"urgency": "urgent", "text": "Vous voyez du pus, ou un grain ouvert change d'aspect."},
                    {
                        "urgency": "emergency",
                        "text": "Vous avez de la fièvre ou vous vous sentez très mal, et la rougeur s'étend.",
                    },
                ],
                "references": REFERENCES_FR,
                "change_note": _CHANGE_NOTE_FR,
            },
        },
    },
    # ------------------------------------------------------------------
    # 2. Care after milia removal
    # ------------------------------------------------------------------
    {
        "slug": "post-extraction-hygiene",
        "name": "Milia: care after removal",
        "topic": "Dermatology",
        "versions": {
            "en": {
                "title": "Caring for your skin after milia removal",
                "summary": (
                    "This leaflet is for you if you have had milia (small white bumps) removed at the clinic. "
                    "It explains how to look after your skin at home so that it heals well."
                ),
                "body": (
                    "<h2>Key points</h2>"
                    "<ul>"
                    "<li>Always wash your hands before you touch the treated area.</li>"
                    "<li>Keep the area clean, and gently pat it dry after washing.</li>"
                    "<li>Do not pick, squeeze or scrub the treated spots while they heal.</li>"
                    "<li>Any tiny scabs will usually heal by themselves.</li>"
                    "<li>Ask your clinic how long your skin should take to heal.</li>"
                    "</ul>"
                    "<h2>What happens to my skin after removal?</h2>"
                    "<p>During the procedure, your clinician made a tiny opening in each bump. They gently "
                    "pressed out the keratin inside, a natural protein that your skin makes. Each opening is a "
                    "very small wound, and a tiny scab may form over it. This is normal, and the scab usually "
                    "heals by itself.</p>"
                    "<p>Until the skin has healed, germs could get into these small openings. Careful "
                    "cleaning at home helps to prevent an infection.</p>"
                    "<h2>What should I ask the clinic?</h2>"
                    "<p>Your clinic can tell you what is normal for you. Ask them:</p>"
                    "<ul>"
                    "<li>how often to clean the treated area each day</li>"
                    "<li>how long your skin should take to heal</li>"
                    "<li>when you can wear makeup on the treated spots again</li>"
                    "</ul>"
                    "<p>Write down the answers so that you can follow them at home.</p>"
                    "<h2>How do I care for my skin after removal?</h2>"
                    "<p>Follow these steps each day, as often as your clinic tells you. Keep going until the "
                    "treated spots have healed.</p>"
                    "<ol>"
                    "<li>Wash your hands with soap and water before you touch your face.</li>"
                    "<li>Clean the treated area gently with a mild cleanser and water.</li>"
                    "<li>Rinse away the cleanser with clean water.</li>"
                    "<li>Pat the skin dry with a clean towel, without rubbing.</li>"
                    "<li>Leave any scabs alone and let them fall off naturally.</li>"
                    "<li>Look at the treated spots. Check for any of the warning signs listed with this leaflet.</li>"
                    "</ol>"
                    "<h2>What should I avoid while my skin heals?</h2>"
                    "<ul>"
                    "<li>Do not pick, squeeze or scratch the treated spots.</li>"
                    "<li>Do not scrub the area, and avoid harsh exfoliating products such as face scrubs or peels.</li>"
                    "<li>Do not wear makeup on the treated spots until your clinic says you can.</li>"
                    "<li>Do not touch the area with unwashed hands.</li>"
                    "</ul>"
                    "<h2>What if new milia appear?</h2>"
                    "<p>New milia can sometimes form later, and they often go away naturally. Please do not "
                    "try to remove new milia yourself, because this can cause an infection or a scar. "
                    "If new milia bother you, contact your clinic for advice.</p>"
                    "<h2>What should I do if I am worried?</h2>"
                    "<p>Read the warning signs listed with this leaflet. They explain when to contact the "
                    "clinic, and how quickly to do it. If you are not sure whether something is normal, "
                    "it is always fine to ask your clinic.</p>"
                ),
                # Shown under the app's lead-in for each urgency ("Contact your clinic ... if:").
                "help_signs": [
                    {
                        "urgency": "routine",
                        "text": "The treated spots have not healed by the time your clinic told you.",
                    },
                    {
                        "urgency": "routine",
                        "text": "You are not sure your skin is healing normally, or you have questions about your care.",
                    },
                    {"urgency": "routine", "text": "New milia appear and they bother you."},
                    {"urgency": "urgent", "text": "A treated spot becomes more red, swollen or painful."},
                    {"urgency": "urgent", "text": "You see pus, or a treated spot starts to look different."},
                    {"urgency": "urgent", "text": "You have a fever, even if no redness is spreading."},
                    {
                        "urgency": "emergency",
                        "text": "You have a fever or feel very unwell, and the redness is spreading.",
                    },
                ],
                "references": [REFERENCES[0], REFERENCES[2], REFERENCES[3]],
                "change_note": _CHANGE_NOTE_EN,
            },
            "fr": {
                "title": "Prendre soin de votre peau après le retrait de grains de milium",
                "summary": (
                    "Cette fiche est pour vous si on vous a retiré des grains de milium (petits boutons blancs) "
                    "à la clinique. Elle explique comment soigner votre peau chez vous pour qu'elle guérisse bien."
                ),
                "body": (
                    "<h2>Points clés</h2>"
                    "<ul>"
                    "<li>Lavez-vous toujours les mains avant de toucher la zone traitée.</li>"
                    "<li>Gardez la zone propre. Après l'avoir lavée, séchez-la doucement en tamponnant.</li>"
                    "<li>Pendant la guérison, ne grattez pas, ne pressez pas et ne frottez pas les points traités.</li>"
                    "<li>En général, les petites croûtes guérissent toutes seules.</li>"
                    "<li>Demandez à votre clinique combien de temps votre peau devrait mettre à guérir.</li>"
                    "</ul>"
                    "<h2>Que se passe-t-il après le retrait ?</h2>"
                    "<p>Le soignant a fait une toute petite ouverture dans chaque grain. Il en a fait sortir "
                    "doucement la kératine, une protéine naturelle que fabrique votre peau. Chaque ouverture "
                    "est une plaie minuscule. Une petite croûte peut s'y former. C'est normal, et en général "
                    "elle guérit toute seule.</p>"
                    "<p>Tant que la peau n'est pas guérie, des microbes peuvent y entrer. De bons soins "
                    "à la maison aident à éviter une infection.</p>"
                    "<h2>Que dois-je demander à la clinique ?</h2>"
                    "<p>Votre clinique peut vous dire ce qui est normal dans votre cas. Demandez-lui :</p>"
                    "<ul>"
                    "<li>combien de fois par jour nettoyer la zone traitée ;</li>"
                    "<li>combien de temps votre peau devrait mettre à guérir ;</li>"
                    "<li>quand vous pourrez de nouveau mettre du maquillage sur les points traités.</li>"
                    "</ul>"
                    "<p>Notez les réponses pour pouvoir les suivre à la maison.</p>"
                    "<h2>Comment soigner ma peau après le retrait ?</h2>"
                    "<p>Suivez ces étapes chaque jour, aussi souvent que la clinique vous l'indique. "
                    "Continuez jusqu'à ce que les points traités soient guéris.</p>"
                    "<ol>"
                    "<li>Lavez-vous les mains à l'eau et au savon avant de toucher votre visage.</li>"
                    "<li>Nettoyez la zone en douceur, avec un nettoyant doux et de l'eau.</li>"
                    "<li>Rincez à l'eau propre.</li>"
                    "<li>Séchez en tamponnant avec une serviette propre, sans frotter.</li>"
                    "<li>Ne touchez pas aux croûtes : laissez-les tomber seules.</li>"
                    "<li>Regardez les points traités. Vérifiez s'il y a l'un des signes d'alerte joints à cette fiche.</li>"
                    "</ol>"
                    "<h2>Qu'est-ce que je dois éviter pendant la guérison ?</h2>"
                    "<ul>"
                    "<li>Ne grattez pas, ne pressez pas et ne percez pas les points traités.</li>"
                    "<li>Ne frottez pas la zone. Évitez les produits agressifs qui font peler la peau, "
                    "comme les gommages ou les peelings.</li>"
                    "<li>Ne mettez pas de maquillage sur les points traités tant que la clinique ne vous l'a pas permis.</li>"
                    "<li>Ne touchez pas la zone sans vous être lavé les mains.</li>"
                    "</ul>"
                    "<h2>Et si de nouveaux grains apparaissent ?</h2>"
                    "<p>De nouveaux grains de milium peuvent parfois se former plus tard. Laissez-les, "
                    "car ils partent souvent tout seuls. N'essayez pas de les retirer vous-même : "
                    "cela peut causer une infection ou une cicatrice. S'ils vous gênent, contactez la clinique.</p>"
                    "<h2>Que faire en cas d'inquiétude ?</h2>"
                    "<p>Lisez la liste des signes d'alerte jointe à cette fiche. Elle vous dit quand "
                    "contacter la clinique, et dans quel délai. En cas de doute, n'hésitez pas à demander à votre clinique.</p>"
                ),
                # Shown under the app's lead-in for each urgency ("Contact your clinic ... if:").
                "help_signs": [
                    {
                        "urgency": "routine",
                        "text": "Les points traités ne sont pas guéris dans le délai donné par votre clinique.",
                    },
                    {
                        "urgency": "routine",
                        "text": "Vous ne savez pas si votre peau guérit normalement, ou vous avez des questions sur les soins.",
                    },
                    {"urgency": "routine", "text": "De nouveaux grains apparaissent et vous gênent."},
                    {
                        "urgency": "urgent",
                        "text": "Un point traité devient plus rouge, plus gonflé ou plus douloureux.",
                    },
                    {"urgency": "urgent", "text": "Vous voyez du pus, ou un point traité change d'aspect."},
                    {"urgency": "urgent", "text": "Vous avez de la fièvre, même si aucune rougeur ne s'étend."},
                    {
                        "urgency": "emergency",
                        "text": "Vous avez de la fièvre ou vous vous sentez très mal, et la rougeur s'étend.",
                    },
                ],
                "references": [REFERENCES_FR[0], REFERENCES_FR[2], REFERENCES_FR[3]],
                "change_note": _CHANGE_NOTE_FR,
            },
        },
    },
    # ------------------------------------------------------------------
    # 3. Infected milia: warning signs
    # ------------------------------------------------------------------
    {
        "slug": "infection-warning-signs",
        "name": "Milia: signs of infection",
        "topic": "Dermatology",
        "versions": {
            "en": {
                "title": "Infected milia: warning signs and what to do",
                "summary": (
                    "This leaflet helps you spot an infection in a milium (a small white bump) that was "
                    "opened, picked or removed. It explains what to do and when to get help."
                ),
                "body": (
                    "<h2>Key points</h2>"
                    "<ul>"
                    "<li>Milia are harmless. An infection usually starts only when the skin over a milium is broken.</li>"
                    "<li>Do not squeeze or pick a bump that looks infected.</li>"
                    "<li>Keep the area clean, and contact your clinic or a doctor the same day.</li>"
                    "<li>A doctor may prescribe antibiotics (medicine that kills bacteria).</li>"
                    "</ul>"
                    "<h2>How can a milium get infected?</h2>"
                    "<p>A milium is completely closed, with a thin layer of skin over it. Germs are unlikely to get in "
                    "while this skin is unbroken. An infection can start if the skin is damaged, for example "
                    "when you:</p>"
                    "<ul>"
                    "<li>squeeze, pick or scratch the bump</li>"
                    "<li>scrub your skin too hard</li>"
                    "<li>use a needle or other tool that is not sterile (germ-free)</li>"
                    "<li>touch the bump with unwashed hands</li>"
                    "</ul>"
                    "<p>Germs such as bacteria can then get under the skin. This is one important reason "
                    "not to remove milia yourself.</p>"
                    "<h2>What does an infected bump look like?</h2>"
                    "<p>Look carefully for these changes in or around the bump:</p>"
                    "<ul>"
                    "<li>redness of the skin</li>"
                    "<li>swelling</li>"
                    "<li>pain or tenderness when you touch it</li>"
                    "<li>pus (thick yellow or white fluid)</li>"
                    "<li>any change in how the bump looks</li>"
                    "</ul>"
                    "<h2>Can it lead to something more serious?</h2>"
                    "<p>Nobody knows for sure. It is possible that an infected milium could lead to other skin "
                    "infections, but this has not been proven. These other infections include:</p>"
                    "<ul>"
                    "<li>folliculitis (infection of the hair follicles, the tiny openings that hairs grow from)</li>"
                    "<li>boils (painful lumps filled with pus)</li>"
                    "<li>carbuncles (a cluster of boils joined together)</li>"
                    "</ul>"
                    "<p>A common germ called staph (<em>Staphylococcus aureus</em>) often causes these infections.</p>"
                    "<h2>What should I do if I think a bump is infected?</h2>"
                    "<ol>"
                    "<li>Do not squeeze, pick or press the bump, because this can make the infection worse.</li>"
                    "<li>Wash your hands with soap and water before and after you touch the area.</li>"
                    "<li>Clean the area gently with mild soap and water, then pat it dry.</li>"
                    "<li>Do not cover the bump with makeup.</li>"
                    "<li>Contact your clinic or a doctor the same day.</li>"
                    "</ol>"
                    "<h2>How is an infection treated?</h2>"
                    "<p>A doctor will examine the bump and choose the right treatment for you. This will often "
                    "be antibiotic tablets. Take the tablets exactly as your doctor or pharmacist tells you.</p>"
                    "<h2>How can I avoid an infection?</h2>"
                    "<ul>"
                    "<li>Leave milia alone, because they often go away naturally.</li>"
                    "<li>If milia bother you, ask a dermatologist (skin doctor) or another trained clinician "
                    "to remove them.</li>"
                    "<li>Do not use needles or other tools on your skin at home.</li>"
                    "</ul>"
                ),
                # Shown under the app's lead-in for each urgency ("Contact your clinic ... if:").
                "help_signs": [
                    {"urgency": "routine", "text": "You would like your milia removed safely."},
                    {"urgency": "routine", "text": "You have questions about a bump that is not red or painful."},
                    {"urgency": "urgent", "text": "A bump is red, swollen or painful."},
                    {"urgency": "urgent", "text": "You see pus in or around a bump."},
                    {"urgency": "urgent", "text": "A bump looks different after it was opened or squeezed."},
                    {"urgency": "urgent", "text": "You have a fever, even if no redness is spreading."},
                    {
                        "urgency": "emergency",
                        "text": "You have a fever or feel very unwell, and the redness is spreading.",
                    },
                ],
                "references": REFERENCES,
                "change_note": _CHANGE_NOTE_EN,
            },
            "fr": {
                "title": "Grain de milium infecté : signes d'alerte et que faire",
                "summary": (
                    "Cette fiche vous aide à repérer l'infection d'un grain de milium (petit bouton blanc) "
                    "ouvert, gratté ou retiré. Elle vous dit quoi faire et quand demander de l'aide."
                ),
                "body": (
                    "<h2>Points clés</h2>"
                    "<ul>"
                    "<li>Les grains de milium sont sans danger. En général, ils ne s'infectent que si la peau qui les couvre est abîmée.</li>"
                    "<li>Ne pressez pas et ne grattez pas un grain qui semble infecté.</li>"
                    "<li>Gardez la zone propre, et contactez votre clinique ou un médecin le jour même.</li>"
                    "<li>Un médecin peut vous prescrire des antibiotiques (médicaments contre les bactéries).</li>"
                    "</ul>"
                    "<h2>Comment un grain de milium peut-il s'infecter ?</h2>"
                    "<p>Un grain de milium est fermé par une fine couche de peau. Tant que cette peau est "
                    "intacte, les microbes ont peu de chances d'entrer. Une infection peut survenir si la peau "
                    "est abîmée, par exemple si vous :</p>"
                    "<ul>"
                    "<li>pressez, percez ou grattez le grain ;</li>"
                    "<li>frottez fort votre peau ;</li>"
                    "<li>utilisez une aiguille ou un autre outil qui n'est pas stérile ;</li>"
                    "<li>touchez le grain sans vous être lavé les mains.</li>"
                    "</ul>"
                    "<p>Des microbes, comme des bactéries, peuvent alors passer sous la peau. C'est pourquoi "
                    "vous ne devez pas retirer vos grains de milium vous-même.</p>"
                    "<h2>À quoi ressemble un grain infecté ?</h2>"
                    "<p>Regardez s'il y a ces changements sur le grain ou autour :</p>"
                    "<ul>"
                    "<li>La peau devient rouge.</li>"
                    "<li>La zone gonfle.</li>"
                    "<li>Elle fait mal ou elle est sensible au toucher.</li>"
                    "<li>Vous voyez du pus (un liquide épais, jaune ou blanc).</li>"
                    "<li>Le grain change d'aspect.</li>"
                    "</ul>"
                    "<h2>Est-ce que cela peut devenir plus grave ?</h2>"
                    "<p>On ne le sait pas avec certitude. Il est possible qu'un grain infecté "
                    "entraîne d'autres infections de la peau, mais cela n'a pas été prouvé. "
                    "Parmi ces infections :</p>"
                    "<ul>"
                    "<li>la folliculite (infection des follicules pileux, les petits orifices d'où sortent les poils) ;</li>"
                    "<li>le furoncle (une boule douloureuse remplie de pus) ;</li>"
                    "<li>l'anthrax (plusieurs furoncles réunis).</li>"
                    "</ul>"
                    "<p>Elles sont souvent dues à une bactérie fréquente, le staphylocoque doré "
                    "(<em>Staphylococcus aureus</em>).</p>"
                    "<h2>Que faire si je pense qu'un grain est infecté ?</h2>"
                    "<ol>"
                    "<li>Ne pressez pas, ne grattez pas et n'appuyez pas sur le grain. Cela peut aggraver l'infection.</li>"
                    "<li>Lavez-vous les mains à l'eau et au savon avant et après avoir touché la zone.</li>"
                    "<li>Nettoyez la zone en douceur à l'eau et au savon doux, puis séchez en tamponnant.</li>"
                    "<li>Ne cachez pas le grain sous du maquillage.</li>"
                    "<li>Contactez votre clinique ou un médecin le jour même.</li>"
                    "</ol>"
                    "<h2>Comment soigne-t-on l'infection ?</h2>"
                    "<p>Un médecin examinera le grain et choisira le traitement qui vous convient. "
                    "Il s'agit souvent d'antibiotiques par voie orale (en comprimés). "
                    "Prenez-les en suivant exactement les consignes du médecin ou du pharmacien.</p>"
                    "<h2>Comment éviter une infection ?</h2>"
                    "<ul>"
                    "<li>Laissez les grains de milium tranquilles. Ils partent souvent tout seuls.</li>"
                    "<li>S'ils vous gênent, demandez à un dermatologue (médecin de la peau) ou à un autre "
                    "soignant formé de les retirer.</li>"
                    "<li>N'utilisez pas d'aiguille ni d'autre outil sur votre peau à la maison.</li>"
                    "</ul>"
                ),
                # Shown under the app's lead-in for each urgency ("Contact your clinic ... if:").
                "help_signs": [
                    {"urgency": "routine", "text": "Vous souhaitez faire retirer vos grains de milium sans risque."},
                    {
                        "urgency": "routine",
                        "text": "Vous avez des questions sur un grain qui n'est ni rouge ni douloureux.",
                    },
                    {"urgency": "urgent", "text": "Un grain est rouge, gonflé ou douloureux."},
                    {"urgency": "urgent", "text": "Vous voyez du pus sur un grain ou autour."},
                    {"urgency": "urgent", "text": "Un grain change d'aspect après avoir été ouvert ou pressé."},
                    {"urgency": "urgent", "text": "Vous avez de la fièvre, même si aucune rougeur ne s'étend."},
                    {
                        "urgency": "emergency",
                        "text": "Vous avez de la fièvre ou vous vous sentez très mal, et la rougeur s'étend.",
                    },
                ],
                "references": REFERENCES_FR,
                "change_note": _CHANGE_NOTE_FR,
            },
        },
    },
]
