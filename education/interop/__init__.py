"""Record systems asking for leaflets by diagnosis code: an HL7 Infobutton service that answers as MedlinePlus
Connect does (`infobutton`), and a read-only FHIR R4 API of DocumentReference resources (`fhir`).

Only public content: published versions (and, in FHIR, superseded ones as `superseded`); never drafts,
withdrawn versions, staff usernames or emails. Both are public, cached like patient pages (the page cache in
education/middleware.py) and rate-limited per client address (`throttle`).
"""
