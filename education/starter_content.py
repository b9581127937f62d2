"""Starter leaflets for the patient-education app.

These three leaflets (milia overview, care after milia removal, signs of an
infected milium) are written in English and French from the source article
"Infected milia: what to do?" (a consumer-health article, machine-translated
from French), the four references it cites, and public-health sources for the
advice the article does not cover (aftercare, cellulitis, sepsis, fever in
babies). The sentences are our own; each piece of advice has a reference.

They are starter content only. A clinician at the clinic must review and
approve each leaflet (wording, advice, the times given in the aftercare
leaflet, and references) before it is shown to patients.

Plain Python data: no Django imports. Body HTML uses only h2, h3, p, strong,
em, ul, ol, li and a (href only). "When to get help" signs live in
``help_signs``, not in the body. Each sign is one short sentence describing
one situation: the app shows it under the lead-in for its urgency ("Contact
your clinic or a doctor today if:") with the clinic's own contact details, so
the signs carry no phone numbers. Each sign has a stable ``key`` (the same
sign in every leaflet and language; "a+b" when one line covers two
situations joined by "or") so tests can check its urgency; the loader
ignores it.

``figures`` lists the original illustrations in ``education/starter_figures``
(file, alt text, caption, and the exact text of the h2 they follow). Nothing
reads it yet: the figure mechanism will load them.

One reference is cited as the source article gives it: Barbarot 2009 (its
volume and pages could not be checked here); the clinic's reviewer should
complete or drop it.
"""

# --- References ---------------------------------------------------------------------------------------

BERK = (
    "Berk DR, Bayliss SJ. Milia: a review and classification. J Am Acad Dermatol. 2008;59(6):1050-1063. "
    "doi:10.1016/j.jaad.2008.07.034"
)
BARBAROT = "Barbarot S, et al. Les grains de milium de l'enfant [Milia in children]. Ann Dermatol Venereol. 2009."
BARBAROT_FR = "Barbarot S, et al. Les grains de milium de l'enfant. Ann Dermatol Venereol. 2009."
TROUCHE = (
    "Trouche F. Les infections bactériennes [Bacterial skin infections]. Dermato-Info, Société Française de "
    "Dermatologie; 2019 [cited 2026 Dec 1]. https://dermato-info.fr"
)
TROUCHE_FR = (
    "Trouche F. Les infections bactériennes. Dermato-Info, Société Française de Dermatologie ; 2019. "
    "https://dermato-info.fr"
)
GALLARDO = (
    "Gallardo Avila PP, Mendez MD. Milia. In: StatPearls. Treasure Island (FL): StatPearls Publishing; 2023. "
    "PMID: 32809316. https://pubmed.ncbi.nlm.nih.gov/32809316/"
)
DERMNET_MILIA = (
    "DermNet. Milia [Internet]. Hamilton (NZ): DermNet; [cited 2026 Dec 1]. https://dermnetnz.org/topics/milia"
)
MEDLINEPLUS_MILIA = (
    "MedlinePlus Medical Encyclopedia. Milia [Internet]. Bethesda (MD): National Library of Medicine (US); "
    "[cited 2026 Dec 1]. https://medlineplus.gov/ency/article/001367.htm"
)
AAD_WOUNDS = (
    "American Academy of Dermatology. Proper wound care: how to minimize a scar [Internet]. Rosemont (IL): AAD; [cited 2026 Dec 1]. "
    "https://www.aad.org/public/everyday-care/injured-skin/burns/wound-care-minimize-scars"
)
NHS_SUN = (
    "NHS. Sunscreen and sun safety [Internet]. London: NHS England; [cited 2026 Dec 1]. "
    "https://www.nhs.uk/live-well/seasonal-health/sunscreen-and-sun-safety/"
)
NHS_CELLULITIS = "NHS. Cellulitis [Internet]. London: NHS England; reviewed 2024 [cited 2026 Dec 1]. https://www.nhs.uk/conditions/cellulitis/"
NICE_CELLULITIS = (
    "National Institute for Health and Care Excellence. Cellulitis and erysipelas: antimicrobial prescribing. "
    "NICE guideline NG141; 2019. https://www.nice.org.uk/guidance/ng141"
)
NHS_SEPSIS = "NHS. Sepsis [Internet]. London: NHS England; [cited 2026 Dec 1]. https://www.nhs.uk/conditions/sepsis/"
NICE_SEPSIS = (
    "National Institute for Health and Care Excellence. Suspected sepsis: recognition, diagnosis and early "
    "management. NICE guideline NG51; 2016 (updated 2024). https://www.nice.org.uk/guidance/ng51"
)
NICE_FEVER = (
    "National Institute for Health and Care Excellence. Fever in under 5s: assessment and initial management. "
    "NICE guideline NG143; 2019 (updated 2021). https://www.nice.org.uk/guidance/ng143"
)

_CHANGE_NOTE_EN = (
    "Clinical review of the starter text: eye, spreading-infection and sepsis warning signs with their urgency, "
    "fever with a number, concrete aftercare, cellulitis on all skin tones, complete references."
)
_CHANGE_NOTE_FR = (
    "Relecture clinique du texte de départ : signes d'alerte autour de l'œil, d'infection qui s'étend et de "
    "sepsis avec leur urgence, fièvre chiffrée, soins précis après le retrait, cellulite sur toutes les "
    "couleurs de peau, références complètes."
)


def _sign(key: str, urgency: str, text: str) -> dict:
    return {"key": key, "urgency": urgency, "text": text}


# --- Warning signs shared by the three leaflets (issue 13: one situation per line, with its urgency) ---

# Related situations share a line joined by "or" (any one of them is enough to act), so the whole "when to get
# help" block still fits on the first page of a handout. A sign's key names every situation it covers.
_EMERGENCY_EN = [
    _sign("eye-swelling", "emergency", "The skin around your eye is swollen."),
    _sign("eye-pain+vision", "emergency", "Your eye hurts, it hurts to move it, or your sight is blurred or double."),
    _sign(
        "red-streaks+redness-spreading-fast", "emergency", "Red streaks spread from the spot, or redness spreads fast."
    ),
    _sign(
        "very-unwell+confused+shivering+breathing-fast",
        "emergency",
        "You feel very unwell or confused, you shiver a lot, or you breathe very fast.",
    ),
    _sign("mottled-skin", "emergency", "Your skin or lips look blotchy, grey or blue."),
]
_EMERGENCY_FR = [
    _sign("eye-swelling", "emergency", "Le tour de votre œil est gonflé."),
    _sign("eye-pain+vision", "emergency", "Vous avez mal à l'œil ou en le bougeant, ou vous voyez flou ou double."),
    _sign(
        "red-streaks+redness-spreading-fast",
        "emergency",
        "Des traînées rouges partent du bouton, ou la rougeur s'étend vite.",
    ),
    _sign(
        "very-unwell+confused+shivering+breathing-fast",
        "emergency",
        "Vous vous sentez très mal ou confus, tremblez beaucoup ou respirez très vite.",
    ),
    _sign("mottled-skin", "emergency", "Votre peau ou vos lèvres sont marbrées, grises ou bleues."),
]
_FEVER_EN = _sign("fever", "urgent", "You have a temperature of 38°C (100.4°F) or higher.")
_FEVER_FR = _sign("fever", "urgent", "Vous avez une fièvre de 38°C ou plus.")
_BABY_FEVER_EN = _sign(
    "baby-fever", "urgent", "A baby under 3 months old has a temperature of 38°C (100.4°F) or higher."
)
_BABY_FEVER_FR = _sign("baby-fever", "urgent", "Un bébé de moins de 3 mois a une fièvre de 38°C ou plus.")


# --- 1. Milia: overview -------------------------------------------------------------------------------

_OVERVIEW_EN = {
    "title": "Milia: small white bumps on the skin",
    "summary": (
        "This leaflet explains milia, the small white bumps that often appear on the face. "
        "It is for anyone who has milia, and for parents of babies or children who have them."
    ),
    "body": (
        "<h2>Key points</h2>"
        "<ul>"
        "<li>Milia are small white bumps under the skin. They are harmless.</li>"
        "<li>In babies, they go away on their own. A baby needs no treatment, no cream and no removal.</li>"
        "<li>In adults, milia often last for months, and they may not go away on their own.</li>"
        "<li>Do not squeeze or pick them. This can cause an infection or leave a scar.</li>"
        "<li>If they bother you, a dermatologist (skin doctor) can remove them. "
        "This is usually done without leaving a scar.</li>"
        "</ul>"
        "<h2>What are milia?</h2>"
        "<p>Milia (say \u201cMIL-ee-uh\u201d) are tiny, hard bumps just under the surface of the skin. "
        "One bump is called a milium. Milia are white or yellow and about the size of a pinhead.</p>"
        "<p>Each bump is a tiny cyst: a closed pocket under the skin. It is filled with keratin, a natural "
        "protein that your skin makes. The cyst has no opening, so it is not a whitehead or a pimple.</p>"
        "<h2>Where do they appear, and who gets them?</h2>"
        "<p>Milia usually appear on the face, most often in these places:</p>"
        "<ul>"
        "<li>the eyelids and the skin around the eyes</li>"
        "<li>the nose</li>"
        "<li>the cheeks and chin</li>"
        "</ul>"
        "<p>Anyone can get milia, at any age and with any skin colour. They are very common in newborn "
        "babies. Children and adults get them too.</p>"
        "<h2>Are milia harmful?</h2>"
        "<p>No. Milia do not hurt, and you cannot catch them from another person.</p>"
        "<h2>What about milia in babies?</h2>"
        "<p>Milia in a newborn baby are normal. They usually clear by themselves within a few weeks.</p>"
        "<ul>"
        "<li>Do not put creams or oils on them.</li>"
        "<li>Do not squeeze or try to remove them.</li>"
        "<li>Wash your baby's face gently with water, and pat it dry.</li>"
        "</ul>"
        "<h2>What about milia in children and adults?</h2>"
        "<p>In older children and adults, milia often last for months. Some never go away on their own. "
        "This is not harmful. You can leave them alone, or ask about treatment if they bother you.</p>"
        "<h2>How can a dermatologist treat milia?</h2>"
        "<p>A dermatologist can offer several treatments:</p>"
        "<ul>"
        "<li>removal with a sterile (germ-free) needle or tiny blade: this is the most common one</li>"
        "<li>a retinoid cream (a cream made from vitamin A) that you use for a few weeks</li>"
        "<li>freezing the bumps (cryotherapy)</li>"
        "<li>other methods, such as a laser</li>"
        "</ul>"
        "<p>Treatment is usually done without leaving a scar. But every treatment has some risk. "
        "Your dermatologist will help you choose what suits you.</p>"
        "<h2>How are milia removed?</h2>"
        "<p>Removal is quick and is done in the clinic. Your dermatologist or nurse will usually:</p>"
        "<ol>"
        "<li>clean your skin</li>"
        "<li>make a tiny opening in each bump with a sterile needle or blade</li>"
        "<li>gently press out the keratin from inside the bump</li>"
        "</ol>"
        "<p>A tiny scab may form. The skin heals and the scab falls off by itself, usually within about "
        "a week. Your clinic will tell you how to care for your skin at home.</p>"
        "<h2>When should I see a dermatologist?</h2>"
        "<p>Ask your doctor or clinic to check your skin if:</p>"
        "<ul>"
        "<li>lots of milia appear suddenly, in a few weeks</li>"
        "<li>milia appear on a red or raised patch of skin</li>"
        "<li>milia appear after blisters, a burn or another skin injury</li>"
        "<li>milia appear where you have used a steroid cream</li>"
        "<li>you are not sure the bumps are milia</li>"
        "</ul>"
        "<h2>Can I remove them myself?</h2>"
        "<p>Please do not try. Your fingers and home tools are not germ-free, even when they look clean. "
        "Opening the skin can let germs in and cause an infection. It can also leave a small scar, "
        "mostly on the thin skin near your eyes.</p>"
        "<h2>What can I do?</h2>"
        "<ul>"
        "<li>Leave the bumps alone.</li>"
        "<li>Wash your face gently with a mild cleanser and water.</li>"
        "<li>Do not use harsh scrubs or peels on the bumps.</li>"
        "<li>Ask your clinic about treatment if the bumps bother you.</li>"
        "</ul>"
    ),
    "help_signs": [
        _sign("bother", "routine", "Your milia bother you or do not go away."),
        _sign(
            "red-swollen-painful+worse-not-better",
            "urgent",
            "A bump gets red, swollen or painful, or looks worse each day.",
        ),
        _sign("pus", "urgent", "You see pus in or around a bump."),
        _FEVER_EN,
        _BABY_FEVER_EN,
        *_EMERGENCY_EN,
    ],
    "references": [BERK, BARBAROT, GALLARDO, MEDLINEPLUS_MILIA, DERMNET_MILIA, NICE_FEVER, NICE_SEPSIS],
    "change_note": _CHANGE_NOTE_EN,
    "figures": [
        {
            "file": "milia-face.png",
            "alt": (
                "Drawing of a face from the front with small white dots on the eyelids, under the eyes, on the "
                "nose, on the cheeks and on the chin. A magnified circle shows four of these pearly white bumps "
                "on the skin."
            ),
            "caption": "Milia often appear around the eyes, on the nose, cheeks and chin.",
            "after_heading": "Where do they appear, and who gets them?",
        }
    ],
}

_OVERVIEW_FR = {
    "title": "Grains de milium : petits boutons blancs sur la peau",
    "summary": (
        "Cette fiche explique ce que sont les grains de milium, ces petits boutons blancs souvent situés sur "
        "le visage. Elle s'adresse à toute personne qui en a, et aux parents d'un bébé ou d'un enfant qui en a."
    ),
    "body": (
        "<h2>Points clés</h2>"
        "<ul>"
        "<li>Les grains de milium sont de petits boutons blancs sous la peau. Ils sont sans danger.</li>"
        "<li>Chez le bébé, ils partent tout seuls. Il ne faut ni traitement, ni crème, ni retrait.</li>"
        "<li>Chez l'adulte, ils durent souvent des mois. Ils peuvent ne pas partir tout seuls.</li>"
        "<li>Ne les pressez pas et ne les percez pas. Cela peut causer une infection ou une cicatrice.</li>"
        "<li>S'ils vous gênent, votre dermatologue peut les retirer. "
        "En général, cela ne laisse pas de cicatrice.</li>"
        "</ul>"
        "<h2>Qu'est-ce qu'un grain de milium ?</h2>"
        "<p>C'est un tout petit kyste (une petite poche fermée) juste sous la peau. Il contient de la "
        "kératine, une protéine que fabrique votre peau. On voit une petite boule dure, blanche ou jaune, "
        "de la taille d'une tête d'épingle.</p>"
        "<p>Le kyste n'a pas d'ouverture. Ce n'est donc ni un point blanc ni un bouton d'acné.</p>"
        "<h2>Où apparaissent-ils et qui en a ?</h2>"
        "<p>On les trouve surtout sur le visage :</p>"
        "<ul>"
        "<li>sur les paupières et autour des yeux ;</li>"
        "<li>sur le nez ;</li>"
        "<li>sur les joues et le menton.</li>"
        "</ul>"
        "<p>Tout le monde peut en avoir, à tout âge et quelle que soit la couleur de la peau. Ils sont très "
        "fréquents chez les nouveau-nés. Les enfants et les adultes en ont aussi.</p>"
        "<h2>Est-ce grave ?</h2>"
        "<p>Non. Les grains de milium ne font pas mal et ne sont pas contagieux.</p>"
        "<h2>Et chez le bébé ?</h2>"
        "<p>Chez le nouveau-né, les grains de milium sont normaux. En général, ils partent tout seuls en "
        "quelques semaines.</p>"
        "<ul>"
        "<li>Ne mettez ni crème ni huile dessus.</li>"
        "<li>Ne les pressez pas et n'essayez pas de les retirer.</li>"
        "<li>Lavez le visage de votre bébé à l'eau, en douceur, puis séchez en tamponnant.</li>"
        "</ul>"
        "<h2>Et chez l'enfant et l'adulte ?</h2>"
        "<p>Chez l'enfant plus grand et chez l'adulte, ils durent souvent des mois. Certains ne partent "
        "jamais tout seuls. Ce n'est pas grave. Vous pouvez les laisser, ou demander un traitement s'ils "
        "vous gênent.</p>"
        "<h2>Quels traitements le dermatologue peut-il proposer ?</h2>"
        "<p>Votre dermatologue peut vous proposer plusieurs traitements :</p>"
        "<ul>"
        "<li>le retrait avec une aiguille ou une petite lame stérile : c'est le plus courant ;</li>"
        "<li>une crème aux rétinoïdes (une crème dérivée de la vitamine A), à mettre pendant quelques "
        "semaines ;</li>"
        "<li>le froid, qui gèle les grains (cryothérapie) ;</li>"
        "<li>d'autres méthodes, comme le laser.</li>"
        "</ul>"
        "<p>En général, le traitement ne laisse pas de cicatrice. Mais tout traitement a un petit risque. "
        "Votre dermatologue vous aidera à choisir ce qui vous convient.</p>"
        "<h2>Comment les retire-t-on ?</h2>"
        "<p>Le retrait est rapide et se fait au cabinet. En général, le dermatologue ou l'infirmier va :</p>"
        "<ol>"
        "<li>nettoyer votre peau ;</li>"
        "<li>faire une toute petite ouverture dans chaque grain, avec une aiguille ou une lame stérile ;</li>"
        "<li>faire sortir doucement la kératine.</li>"
        "</ol>"
        "<p>Une toute petite croûte peut se former. La plaie cicatrise et la croûte tombe toute seule, "
        "en général en une semaine environ. Votre cabinet vous dira comment soigner votre peau chez vous.</p>"
        "<h2>Quand voir un dermatologue ?</h2>"
        "<p>Faites examiner votre peau par votre médecin ou votre dermatologue si :</p>"
        "<ul>"
        "<li>beaucoup de grains apparaissent d'un coup, en quelques semaines ;</li>"
        "<li>des grains apparaissent sur une plaque de peau rouge ou en relief ;</li>"
        "<li>des grains apparaissent après des cloques, une brûlure ou une autre blessure de la peau ;</li>"
        "<li>des grains apparaissent là où vous avez mis une crème à la cortisone ;</li>"
        "<li>vous n'êtes pas sûr qu'il s'agisse de grains de milium.</li>"
        "</ul>"
        "<h2>Puis-je les retirer moi-même ?</h2>"
        "<p>Non, n'essayez pas. Vos doigts et vos outils ne sont pas stériles, même s'ils semblent propres. "
        "Si vous ouvrez la peau, des microbes peuvent entrer et causer une infection. Une petite cicatrice "
        "peut aussi rester, surtout sur la peau fine près des yeux. Confiez le retrait à un professionnel de "
        "santé, comme votre dermatologue.</p>"
        "<h2>Que puis-je faire ?</h2>"
        "<ul>"
        "<li>Laissez les grains tranquilles.</li>"
        "<li>Lavez votre visage en douceur, avec un nettoyant doux et de l'eau.</li>"
        "<li>N'utilisez pas de gommage agressif ni de peeling sur les grains.</li>"
        "<li>Parlez du traitement à votre dermatologue si les grains vous gênent.</li>"
        "</ul>"
    ),
    "help_signs": [
        _sign("bother", "routine", "Vos grains de milium vous gênent ou ne partent pas."),
        _sign(
            "red-swollen-painful+worse-not-better",
            "urgent",
            "Un grain devient rouge, gonflé, douloureux, ou va plus mal chaque jour.",
        ),
        _sign("pus", "urgent", "Vous voyez du pus sur un grain ou autour."),
        _FEVER_FR,
        _BABY_FEVER_FR,
        *_EMERGENCY_FR,
    ],
    "references": [
        BERK,
        BARBAROT_FR,
        GALLARDO,
        MEDLINEPLUS_MILIA,
        DERMNET_MILIA,
        NICE_FEVER,
        NICE_SEPSIS,
    ],
    "change_note": _CHANGE_NOTE_FR,
    "figures": [
        {
            "file": "milia-face.png",
            "alt": (
                "Dessin d'un visage de face, avec de petits points blancs sur les paupières, sous les yeux, "
                "sur le nez, sur les joues et sur le menton. Un cercle grossi montre quatre de ces petites "
                "boules blanches nacrées sur la peau."
            ),
            "caption": "Les grains de milium apparaissent souvent autour des yeux, sur le nez, les joues et le menton.",
            "after_heading": "Où apparaissent-ils et qui en a ?",
        }
    ],
}


# --- 2. Care after milia removal ------------------------------------------------------------------------
# Times and products are sensible defaults (AAD wound care, NHS sun safety); practice varies, so the
# clinic's reviewer should change them to the clinic's own before approving.

_AFTERCARE_EN = {
    "title": "Caring for your skin after milia removal",
    "summary": (
        "This leaflet is for you if you have had milia (small white bumps) removed at the clinic. "
        "It tells you how to care for your skin at home, day by day, so that it heals well."
    ),
    "body": (
        "<h2>Key points</h2>"
        "<ul>"
        "<li>Wash your hands before you touch the treated area.</li>"
        "<li>Clean the area gently twice a day. Then put on a thin layer of petroleum jelly.</li>"
        "<li>Leave the scabs alone. The skin usually heals and the scabs fall off within about a week.</li>"
        "<li>Wait until the skin has healed before you wear make-up on it.</li>"
        "<li>Once healed, protect the skin from the sun.</li>"
        "</ul>"
        "<p>Your clinic may give you different times. If they do, follow what they tell you.</p>"
        "<h2>What happens to my skin after removal?</h2>"
        "<p>Your dermatologist or nurse made a tiny opening in each bump and pressed out what was inside. "
        "Each opening is a very small wound. A tiny scab may form over it. This is normal.</p>"
        "<p>Until the skin has healed, germs could get in. Careful cleaning helps to stop an infection.</p>"
        "<h2>How long will it take to heal?</h2>"
        "<ul>"
        "<li>The spots may be a little red and sore for 1 or 2 days.</li>"
        "<li>Small scabs usually fall off by themselves within about a week.</li>"
        "<li>A pink or darker mark can last a few weeks before it fades.</li>"
        "</ul>"
        "<h2>How do I clean the treated area?</h2>"
        "<p>Do this twice a day, morning and evening, until the skin has healed:</p>"
        "<ol>"
        "<li>Wash your hands with soap and water.</li>"
        "<li>Clean the area gently with lukewarm water and a mild, unscented soap or cleanser.</li>"
        "<li>Rinse with clean water.</li>"
        "<li>Pat the skin dry with a clean towel or tissue. Do not rub.</li>"
        "<li>Put on a thin layer of petroleum jelly (such as Vaseline) with a clean cotton bud. It keeps the "
        "wound moist, which helps it heal.</li>"
        "<li>Look at the treated spots. Check for the warning signs listed with this leaflet.</li>"
        "</ol>"
        "<h2>When can I wear make-up?</h2>"
        "<p>Do not put make-up on the treated spots until the skin has healed and the scabs have fallen off. "
        "This is usually about a week. Then use clean brushes or sponges. You can wear make-up on the rest "
        "of your face.</p>"
        "<h2>How do I protect my skin from the sun?</h2>"
        "<ul>"
        "<li>While the skin heals, keep it out of strong sun. A hat with a wide brim helps.</li>"
        "<li>Once it has healed, put sunscreen on the area when you go out. Use SPF 30 or higher.</li>"
        "<li>Sun can make the marks darker and slower to fade.</li>"
        "</ul>"
        "<h2>What if it hurts?</h2>"
        "<p>Most people feel only a little soreness. If you need to, you can take paracetamol. Follow the "
        "instructions on the pack. Ask a pharmacist which medicine is right for you. Pain that gets worse "
        "after the first 2 days is a warning sign: see the list with this leaflet.</p>"
        "<h2>What should I avoid while my skin heals?</h2>"
        "<ul>"
        "<li>Do not pick, squeeze or scratch the spots or the scabs.</li>"
        "<li>Do not scrub the area. Do not use harsh scrubs, peels, or creams with retinol or acids.</li>"
        "<li>Do not put make-up on the spots.</li>"
        "<li>Do not touch the area with unwashed hands.</li>"
        "</ul>"
        "<h2>What if new milia appear?</h2>"
        "<p>New milia can form later. Please do not try to remove them yourself, because this can cause "
        "an infection or a scar. If they bother you, ask your clinic.</p>"
        "<h2>What should I do if I am worried?</h2>"
        "<p>Read the warning signs listed with this leaflet. They tell you when to get help, and how quickly. "
        "If you are not sure whether something is normal, ask your clinic.</p>"
    ),
    "help_signs": [
        _sign("not-healed", "routine", "The treated spots have not healed after 2 weeks."),
        _sign("questions", "routine", "You have questions about your care."),
        _sign("worse-after-2-days", "urgent", "After the first 2 days, a spot gets more red, swollen or painful."),
        _sign("pus", "urgent", "You see pus on a treated spot."),
        _FEVER_EN,
        *_EMERGENCY_EN,
    ],
    "references": [BERK, GALLARDO, AAD_WOUNDS, NHS_SUN, NHS_CELLULITIS, NICE_SEPSIS],
    "change_note": _CHANGE_NOTE_EN,
    "figures": [
        {
            "file": "aftercare-steps.png",
            "alt": (
                "Four drawings in a row: 1, hands washed under a tap; 2, a cheek cleaned gently with water; "
                "3, the cheek patted dry with a towel; 4, a thin layer of petroleum jelly put on with a cotton bud."
            ),
            "caption": "Twice a day: wash your hands, clean gently, pat dry, then put on petroleum jelly.",
            "after_heading": "How do I clean the treated area?",
        }
    ],
}

_AFTERCARE_FR = {
    "title": "Soigner votre peau après le retrait de grains de milium",
    "summary": (
        "Cette fiche est pour vous si on vous a retiré des grains de milium (petits boutons blancs) au cabinet. "
        "Elle vous dit comment soigner votre peau chez vous, jour après jour, pour qu'elle cicatrise bien."
    ),
    "body": (
        "<h2>Points clés</h2>"
        "<ul>"
        "<li>Lavez-vous les mains avant de toucher la zone traitée.</li>"
        "<li>Nettoyez la zone en douceur deux fois par jour. Mettez ensuite une fine couche de vaseline.</li>"
        "<li>Ne touchez pas aux croûtes. En général, la plaie cicatrise et les croûtes tombent en une "
        "semaine environ.</li>"
        "<li>Attendez que la peau soit cicatrisée pour mettre du maquillage dessus.</li>"
        "<li>Une fois la peau cicatrisée, protégez-la du soleil.</li>"
        "</ul>"
        "<p>Votre cabinet peut vous donner d'autres délais. Dans ce cas, suivez ses conseils.</p>"
        "<h2>Que se passe-t-il après le retrait ?</h2>"
        "<p>Le dermatologue ou l'infirmier a fait une toute petite ouverture dans chaque grain, puis l'a vidé. "
        "Chaque ouverture est une plaie minuscule. Une petite croûte peut s'y former. C'est normal.</p>"
        "<p>Tant que la peau n'est pas cicatrisée, des microbes peuvent entrer. Des soins attentifs aident "
        "à éviter une infection.</p>"
        "<h2>Combien de temps faut-il pour cicatriser ?</h2>"
        "<ul>"
        "<li>Les points traités peuvent rester un peu rouges et sensibles 1 ou 2 jours.</li>"
        "<li>En général, les petites croûtes tombent seules en une semaine environ.</li>"
        "<li>Une marque rose ou plus foncée peut rester quelques semaines, puis elle s'efface.</li>"
        "</ul>"
        "<h2>Comment nettoyer la zone traitée ?</h2>"
        "<p>Faites-le deux fois par jour, matin et soir, jusqu'à ce que la peau soit cicatrisée :</p>"
        "<ol>"
        "<li>Lavez-vous les mains à l'eau et au savon.</li>"
        "<li>Nettoyez la zone en douceur, à l'eau tiède, avec un savon ou un nettoyant doux sans parfum.</li>"
        "<li>Rincez à l'eau propre.</li>"
        "<li>Séchez en tamponnant avec une serviette propre ou un mouchoir. Ne frottez pas.</li>"
        "<li>Mettez une fine couche de vaseline avec un coton-tige propre. Elle garde la plaie humide, "
        "ce qui l'aide à cicatriser.</li>"
        "<li>Regardez les points traités. Vérifiez les signes d'alerte joints à cette fiche.</li>"
        "</ol>"
        "<h2>Quand puis-je me maquiller ?</h2>"
        "<p>Ne mettez pas de maquillage sur les points traités tant que la plaie n'a pas cicatrisé et que "
        "les croûtes ne sont pas tombées. Cela prend en général une semaine environ. Ensuite, utilisez des "
        "pinceaux ou des éponges propres. Vous pouvez maquiller le reste du visage.</p>"
        "<h2>Comment protéger ma peau du soleil ?</h2>"
        "<ul>"
        "<li>Pendant la cicatrisation, évitez le soleil fort. Un chapeau à larges bords aide.</li>"
        "<li>Une fois la peau cicatrisée, mettez de la crème solaire sur la zone quand vous sortez. "
        "Prenez un indice 30 ou plus.</li>"
        "<li>Le soleil peut rendre les marques plus foncées et plus lentes à partir.</li>"
        "</ul>"
        "<h2>Et si j'ai mal ?</h2>"
        "<p>La plupart des gens ont juste un peu mal. Si besoin, vous pouvez prendre du paracétamol. "
        "Suivez la notice. Demandez à votre pharmacien quel médicament vous convient. Une douleur qui "
        "augmente après les 2 premiers jours est un signe d'alerte : voyez la liste jointe à cette fiche.</p>"
        "<h2>Qu'est-ce que je dois éviter pendant la cicatrisation ?</h2>"
        "<ul>"
        "<li>Ne grattez pas, ne pressez pas et ne percez pas les points traités ni les croûtes.</li>"
        "<li>Ne frottez pas la zone. N'utilisez pas de gommage agressif, de peeling, ni de crème au rétinol "
        "ou aux acides.</li>"
        "<li>Ne mettez pas de maquillage sur les points traités.</li>"
        "<li>Ne touchez pas la zone sans vous être lavé les mains.</li>"
        "</ul>"
        "<h2>Et si de nouveaux grains apparaissent ?</h2>"
        "<p>De nouveaux grains peuvent se former plus tard. N'essayez pas de les retirer vous-même : cela "
        "peut causer une infection ou une cicatrice. S'ils vous gênent, parlez-en à votre cabinet.</p>"
        "<h2>Que faire en cas d'inquiétude ?</h2>"
        "<p>Lisez les signes d'alerte et conduite à tenir joints à cette fiche. Ils vous disent quand demander "
        "de l'aide, et dans quel délai. En cas de doute, demandez à votre cabinet.</p>"
    ),
    "help_signs": [
        _sign("not-healed", "routine", "Les points traités ne sont pas cicatrisés après 2 semaines."),
        _sign("questions", "routine", "Vous avez une question sur vos soins."),
        _sign("worse-after-2-days", "urgent", "Après 2 jours, un point devient plus rouge, gonflé ou douloureux."),
        _sign("pus", "urgent", "Vous voyez du pus sur un point traité."),
        _FEVER_FR,
        *_EMERGENCY_FR,
    ],
    "references": [BERK, GALLARDO, AAD_WOUNDS, NHS_SUN, NHS_CELLULITIS, NICE_SEPSIS],
    "change_note": _CHANGE_NOTE_FR,
    "figures": [
        {
            "file": "aftercare-steps.png",
            "alt": (
                "Quatre dessins côte à côte : 1, des mains lavées sous un robinet ; 2, une joue nettoyée en "
                "douceur à l'eau ; 3, la joue séchée en tamponnant avec une serviette ; 4, une fine couche de "
                "vaseline mise avec un coton-tige."
            ),
            "caption": (
                "Deux fois par jour : lavez-vous les mains, nettoyez en douceur, séchez en tamponnant, "
                "puis mettez la vaseline."
            ),
            "after_heading": "Comment nettoyer la zone traitée ?",
        }
    ],
}


# --- 3. Infected milia: warning signs -----------------------------------------------------------------

_INFECTION_EN = {
    "title": "Infected milia: warning signs and what to do",
    "summary": (
        "This leaflet helps you spot an infection in a milium (a small white bump) that was opened, picked "
        "or removed. It tells you what to do and when to get help."
    ),
    "body": (
        "<h2>Key points</h2>"
        "<ul>"
        "<li>Milia are harmless. An infection usually starts only when the skin over a milium is broken.</li>"
        "<li>Do not squeeze or pick a bump that looks infected.</li>"
        "<li>If you think a bump is infected, contact your clinic or a doctor the same day.</li>"
        "<li>Get urgent help at once if the redness spreads fast, if the skin around your eye swells, or if you feel "
        "very unwell.</li>"
        "</ul>"
        "<h2>How can a milium get infected?</h2>"
        "<p>A milium is closed, with a thin layer of skin over it. Germs are unlikely to get in while this "
        "skin is whole. An infection can start if the skin is broken, for example when you:</p>"
        "<ul>"
        "<li>squeeze, pick or scratch the bump</li>"
        "<li>scrub your skin too hard</li>"
        "<li>use a needle or other tool that is not sterile (germ-free)</li>"
        "<li>touch the bump with unwashed hands</li>"
        "</ul>"
        "<p>Germs can then get under the skin. This is one reason not to remove milia yourself.</p>"
        "<h2>What does an infected bump look like?</h2>"
        "<p>Look for these changes in or around the bump:</p>"
        "<ul>"
        "<li>redness: on brown or black skin, it may look darker, purple or grey, or be hard to see</li>"
        "<li>swelling</li>"
        "<li>pain, or skin that feels hot or tender to touch</li>"
        "<li>pus (thick yellow or white fluid)</li>"
        "<li>a bump that looks worse each day, not better</li>"
        "</ul>"
        "<h2>Can the infection spread?</h2>"
        "<p>Sometimes an infection spreads into the deeper layers of the skin. This is called cellulitis. "
        "The skin becomes painful, hot and swollen. On white skin it looks red. On brown or black skin, "
        "the redness can be harder to see, so feel for heat and swelling too.</p>"
        "<p>Cellulitis needs antibiotics (medicine that kills bacteria). It can become serious if it is not "
        "treated quickly. Cellulitis near the eye is an emergency.</p>"
        "<p>Rarely, an infection leads to sepsis. This is when the body reacts badly to an infection. "
        "It is an emergency. On brown or black skin, blotchy or blue colour may be easier to see on the "
        "lips, the tongue, or the palms of the hands.</p>"
        "<h2>What should I do if I think a bump is infected?</h2>"
        "<ol>"
        "<li>Do not squeeze, pick or press the bump. This can make the infection worse.</li>"
        "<li>Wash your hands with soap and water before and after you touch the area.</li>"
        "<li>Clean the area gently with mild soap and water, then pat it dry.</li>"
        "<li>Do not cover the bump with make-up.</li>"
        "<li>Contact your clinic or a doctor the same day.</li>"
        "</ol>"
        "<h2>How is an infection treated?</h2>"
        "<p>A doctor will look at the bump and choose the right treatment. This is often antibiotic tablets.</p>"
        "<ul>"
        "<li>Take all the tablets, exactly as your doctor or pharmacist tells you.</li>"
        "<li>You should start to feel better within 2 to 3 days.</li>"
        "<li>If you are not better after 2 to 3 days, contact your clinic or doctor again.</li>"
        "<li>For pain, you can take paracetamol. Follow the instructions on the pack.</li>"
        "</ul>"
        "<h2>How can I avoid an infection?</h2>"
        "<ul>"
        "<li>Leave milia alone.</li>"
        "<li>If milia bother you, ask a dermatologist (skin doctor) to remove them.</li>"
        "<li>Do not use needles or other tools on your skin at home.</li>"
        "</ul>"
    ),
    "help_signs": [
        _sign("removal", "routine", "You would like a dermatologist to remove your milia."),
        _sign(
            "red-swollen-painful+worse-not-better",
            "urgent",
            "A bump is red, swollen or painful, or looks worse each day.",
        ),
        _sign("pus", "urgent", "You see pus in or around a bump."),
        _sign("antibiotics-not-better", "urgent", "You are not better 2 to 3 days after starting antibiotics."),
        _FEVER_EN,
        _BABY_FEVER_EN,
        *_EMERGENCY_EN,
    ],
    "references": [
        BERK,
        TROUCHE,
        GALLARDO,
        NHS_CELLULITIS,
        NICE_CELLULITIS,
        NHS_SEPSIS,
        NICE_SEPSIS,
        NICE_FEVER,
    ],
    "change_note": _CHANGE_NOTE_EN,
    "figures": [
        {
            "file": "spreading-redness.png",
            "alt": (
                "Two drawings of a forearm with an infected spot. On lighter skin, a red patch spreads from "
                "the spot with red streaks running up the arm. On darker brown skin, the same patch and streaks "
                "look dark purple-brown and are harder to see."
            ),
            "caption": (
                "Spreading redness and red streaks are an emergency. On brown or black skin they can look "
                "darker, purple or grey, and be harder to see."
            ),
            "after_heading": "What does an infected bump look like?",
        }
    ],
}

_INFECTION_FR = {
    "title": "Grain de milium infecté : signes d'alerte et conduite à tenir",
    "summary": (
        "Cette fiche vous aide à repérer l'infection d'un grain de milium (petit bouton blanc) ouvert, gratté "
        "ou retiré. Elle vous dit quoi faire et quand demander de l'aide."
    ),
    "body": (
        "<h2>Points clés</h2>"
        "<ul>"
        "<li>Les grains de milium sont sans danger. En général, ils ne s'infectent que si la peau qui les "
        "couvre est abîmée.</li>"
        "<li>Ne pressez pas et ne grattez pas un grain qui semble infecté.</li>"
        "<li>Si vous pensez qu'un grain est infecté, contactez votre cabinet ou un médecin le jour même.</li>"
        "<li>Demandez de l'aide tout de suite si la rougeur s'étend vite, si le tour de l'œil gonfle, ou si "
        "vous vous sentez très mal.</li>"
        "</ul>"
        "<h2>Comment un grain de milium peut-il s'infecter ?</h2>"
        "<p>Un grain de milium est fermé par une fine couche de peau. Tant que cette peau est intacte, les "
        "microbes ont peu de chances d'entrer. Une infection peut survenir si la peau est abîmée, par "
        "exemple si vous :</p>"
        "<ul>"
        "<li>pressez, percez ou grattez le grain ;</li>"
        "<li>frottez fort votre peau ;</li>"
        "<li>utilisez une aiguille ou un autre outil qui n'est pas stérile ;</li>"
        "<li>touchez le grain sans vous être lavé les mains.</li>"
        "</ul>"
        "<p>Des microbes peuvent alors passer sous la peau. C'est une raison de ne pas retirer vos grains "
        "vous-même.</p>"
        "<h2>À quoi ressemble un grain infecté ?</h2>"
        "<p>Regardez s'il y a ces changements sur le grain ou autour :</p>"
        "<ul>"
        "<li>une rougeur : sur une peau brune ou noire, elle peut sembler plus foncée, violette ou grise, "
        "ou être difficile à voir ;</li>"
        "<li>un gonflement ;</li>"
        "<li>une douleur, ou une peau chaude ou sensible au toucher ;</li>"
        "<li>du pus (un liquide épais, jaune ou blanc) ;</li>"
        "<li>un grain qui va plus mal chaque jour, au lieu d'aller mieux.</li>"
        "</ul>"
        "<h2>L'infection peut-elle s'étendre ?</h2>"
        "<p>Parfois, l'infection gagne les couches profondes de la peau. On parle de cellulite infectieuse. "
        "La peau devient douloureuse, chaude et gonflée. Sur une peau blanche, elle est rouge. Sur une peau "
        "brune ou noire, la rougeur peut être difficile à voir : cherchez aussi la chaleur et le gonflement.</p>"
        "<p>La cellulite se soigne avec des antibiotiques (médicaments contre les bactéries). Elle peut devenir "
        "grave si elle n'est pas soignée vite. Près de l'œil, c'est une urgence.</p>"
        "<p>Plus rarement, une infection entraîne un sepsis : le corps réagit mal à l'infection. C'est une "
        "urgence. Sur une peau brune ou noire, une couleur marbrée ou bleue se voit parfois mieux sur les "
        "lèvres, la langue ou la paume des mains.</p>"
        "<h2>Que faire si je pense qu'un grain est infecté ?</h2>"
        "<ol>"
        "<li>Ne pressez pas, ne grattez pas et n'appuyez pas sur le grain. Cela peut aggraver l'infection.</li>"
        "<li>Lavez-vous les mains à l'eau et au savon avant et après avoir touché la zone.</li>"
        "<li>Nettoyez la zone en douceur à l'eau et au savon doux, puis séchez en tamponnant.</li>"
        "<li>Ne cachez pas le grain sous du maquillage.</li>"
        "<li>Contactez votre cabinet ou un médecin le jour même.</li>"
        "</ol>"
        "<h2>Comment soigne-t-on l'infection ?</h2>"
        "<p>Un médecin examinera le grain et choisira le traitement qui vous convient. Il s'agit souvent "
        "d'antibiotiques en comprimés.</p>"
        "<ul>"
        "<li>Prenez tous les comprimés, en suivant exactement les consignes du médecin ou du pharmacien.</li>"
        "<li>Vous devriez aller mieux en 2 à 3 jours.</li>"
        "<li>Si vous n'allez pas mieux après 2 à 3 jours, recontactez votre cabinet ou votre médecin.</li>"
        "<li>Contre la douleur, vous pouvez prendre du paracétamol. Suivez la notice.</li>"
        "</ul>"
        "<h2>Comment éviter une infection ?</h2>"
        "<ul>"
        "<li>Laissez les grains de milium tranquilles.</li>"
        "<li>S'ils vous gênent, demandez à votre dermatologue ou à un autre professionnel de santé de les "
        "retirer.</li>"
        "<li>N'utilisez pas d'aiguille ni d'autre outil sur votre peau à la maison.</li>"
        "</ul>"
    ),
    "help_signs": [
        _sign("removal", "routine", "Vous souhaitez qu'un dermatologue retire vos grains de milium."),
        _sign(
            "red-swollen-painful+worse-not-better",
            "urgent",
            "Un grain est rouge, gonflé, douloureux, ou va plus mal chaque jour.",
        ),
        _sign("pus", "urgent", "Vous voyez du pus sur un grain ou autour."),
        _sign("antibiotics-not-better", "urgent", "Vous n'allez pas mieux après 2 à 3 jours d'antibiotiques."),
        _FEVER_FR,
        _BABY_FEVER_FR,
        *_EMERGENCY_FR,
    ],
    "references": [
        BERK,
        TROUCHE_FR,
        GALLARDO,
        NHS_CELLULITIS,
        NICE_CELLULITIS,
        NHS_SEPSIS,
        NICE_SEPSIS,
        NICE_FEVER,
    ],
    "change_note": _CHANGE_NOTE_FR,
    "figures": [
        {
            "file": "spreading-redness.png",
            "alt": (
                "Deux dessins d'un avant-bras avec un bouton infecté. Sur une peau claire, une plaque rouge "
                "s'étend autour du bouton, avec des traînées rouges qui remontent le bras. Sur une peau brune "
                "foncée, la même plaque et les mêmes traînées sont d'un brun violacé et plus difficiles à voir."
            ),
            "caption": (
                "Une rougeur qui s'étend et des traînées rouges sont une urgence. Sur une peau brune ou noire, "
                "elles peuvent sembler plus foncées, violettes ou grises, et se voir moins bien."
            ),
            "after_heading": "À quoi ressemble un grain infecté ?",
        }
    ],
}


def _french_spacing(text: str) -> str:
    """French typography: a narrow no-break space before ; : ? ! so the mark never starts a line on a phone."""
    for mark in ";:?!":
        text = text.replace(f" {mark}", f"\u202f{mark}")
    return text


def _with_french_spacing(content: dict) -> dict:
    spaced = {key: _french_spacing(content[key]) for key in ("title", "summary", "body")}
    figures = [{key: _french_spacing(value) for key, value in figure.items()} for figure in content["figures"]]
    return {**content, **spaced, "figures": figures}


_OVERVIEW_FR = _with_french_spacing(_OVERVIEW_FR)
_AFTERCARE_FR = _with_french_spacing(_AFTERCARE_FR)
_INFECTION_FR = _with_french_spacing(_INFECTION_FR)

STARTER_LEAFLETS = [
    {
        "slug": "milia-overview",
        "name": "Milia: overview",
        "topic": "Dermatology",
        "versions": {"en": _OVERVIEW_EN, "fr": _OVERVIEW_FR},
    },
    {
        "slug": "post-extraction-hygiene",
        "name": "Milia: care after removal",
        "topic": "Dermatology",
        "versions": {"en": _AFTERCARE_EN, "fr": _AFTERCARE_FR},
    },
    {
        "slug": "infection-warning-signs",
        "name": "Milia: signs of infection",
        "topic": "Dermatology",
        "versions": {"en": _INFECTION_EN, "fr": _INFECTION_FR},
    },
]
