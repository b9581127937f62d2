"""`make bench-scale`: the patient index, search, pickers, admin list and staff home at 3 and 5,000 leaflets.

Builds a throwaway SQLite database (or uses DATABASE_URL when BENCH_DATABASE_URL is set), publishes N
leaflets in English and French (2N versions) in bulk, through the same steps the database triggers allow
(each version inserted as a draft, then moved draft -> in_review -> published with its approval in one
UPDATE), fills the search index, then measures through Django's test client (public page cache off) the
median and p95 time, queries and size of each request, and the process's peak memory. The index and
search keep each page's ids and count in the cache under the content generation, so the 30 timed requests
after the first read that; a column gives the median with the cache emptied before each request (as after
a publish, or a search nobody made before).

Targets (issue 14): every public request within 2x the single leaflet page's median, at most 4 queries and
under 100 kB; the admin version list, the staff pickers and the staff home (its owner has half the leaflets
due for review) under 200 ms p95; the build under 2 minutes.

    python bench/scale.py [N ...]     (default: 3 5000)
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
WORK = tempfile.TemporaryDirectory(prefix="scale-bench-")
os.environ.update(
    {
        "DJANGO_SETTINGS_MODULE": "clinic.settings",
        "DEBUG": "true",
        "DATABASE_URL": os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{WORK.name}/bench.sqlite3"),
        "MEDIA_ROOT": WORK.name,
        "LOG_LEVEL": "WARNING",
        "PUBLIC_PAGE_CACHE_SECONDS": "0",
        "STAFF_2FA_REQUIRED": "false",
        "ALLOWED_HOSTS": "testserver",
    }
)

RUNS = 30
COLD_RUNS = 7
TOPICS = ["Acne", "Eczema", "Psoriasis", "Milia", "Moles", "Rosacea", "Warts", "Wounds", "Hair", "Nails", "Sun", "Itch"]
EN_WORDS = (
    "skin spot red swelling wash gently clean water soap dry cream apply twice daily doctor nurse clinic pain "
    "itch heal scar fever pus warm spreading redness bandage dressing week days morning evening shower avoid "
    "scratch picking sunscreen moisturiser gentle products face arms legs back chest child adult treatment "
    "tablet antibiotic infection infected bleeding stitches blister rash bumps white small common harmless"
).split()
FR_WORDS = (
    "peau bouton rouge gonflement laver doucement propre eau savon sec crème appliquer deux fois jour médecin "
    "infirmière clinique douleur démangeaison guérir cicatrice fièvre pus chaud rougeur pansement semaine "
    "jours matin soir douche éviter gratter écran solaire hydratant visage bras jambes dos enfant adulte "
    "traitement comprimé antibiotique infection infecté saignement points cloque éruption petits blancs"
).split()


def rss_peak_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def text(rng: random.Random, words: list[str], count: int) -> str:
    return " ".join(rng.choice(words) for _ in range(count))


def build(target: int, *, editor, approver) -> float:
    """Publish leaflets up to `target` (English and French each), in bulk. Returns the seconds taken."""
    from django.db import connection, transaction
    from django.utils import timezone

    from education import content, search
    from education.models import HelpSign, Leaflet, LeafletVersion

    start = time.perf_counter()
    have = Leaflet.objects.count()
    if have >= target:
        return 0.0
    rng = random.Random(target)  # noqa: S311 (made-up text, not a secret)
    now = timezone.now()
    with transaction.atomic():
        leaflets = Leaflet.objects.bulk_create(
            Leaflet(
                slug=f"leaflet-{number:05d}",
                name=f"Leaflet {number:05d}",
                topic=TOPICS[number % len(TOPICS)],
                tags=f"{TOPICS[number % len(TOPICS)].lower()}, rare{number % 997}",
                owner=editor,
            )
            for number in range(have, target)
        )
        drafts = []
        for leaflet in leaflets:
            for language, words in (("en", EN_WORDS), ("fr", FR_WORDS)):
                title = f"{leaflet.topic}: {text(rng, words, 3)} {leaflet.slug[-5:]}".capitalize()
                paragraphs = "".join(f"<h2>{text(rng, words, 4)}</h2><p>{text(rng, words, 60)}.</p>" for _ in range(4))
                drafts.append(
                    LeafletVersion(
                        leaflet=leaflet, language=language, number=1, title=title, summary=text(rng, words, 20),
                        body=paragraphs, references="Bench reference.", change_note="First version.",
                        created_by=editor,
                    )
                )  # fmt: skip
        drafts = LeafletVersion.objects.bulk_create(drafts, batch_size=500)
        signs = [
            HelpSign(version=version, position=position, urgency=urgency, text=text(rng, EN_WORDS, 8))
            for version in drafts
            for position, urgency in enumerate(["urgent", "emergency"])
        ]
        HelpSign.objects.bulk_create(signs, batch_size=1000)
        by_version: dict[int, list] = {}
        for sign in signs:
            by_version.setdefault(sign.version_id, []).append((sign.urgency, sign.text))
        ids = [version.pk for version in drafts]
        LeafletVersion.objects.filter(pk__in=ids).update(status=LeafletVersion.Status.IN_REVIEW)
        later, soon = (now + timezone.timedelta(days=700)).date(), (now + timezone.timedelta(days=30)).date()
        rows = [
            (
                approver.pk, now, now, soon if version.leaflet_id % 2 else later,  # half are due for review soon
                content.content_fingerprint(
                    language=version.language, title=version.title, summary=version.summary, body=version.body,
                    help_signs=by_version[version.pk], references=version.references,
                ),
                version.pk,
            )
            for version in drafts
        ]  # fmt: skip
        table = LeafletVersion._meta.db_table
        with connection.cursor() as cursor:
            cursor.executemany(
                f"""UPDATE {table} SET status = 'published', approved_by_id = %s, approved_at = %s,
                    published_at = %s, review_due = %s, content_hash = %s WHERE id = %s""",  # noqa: S608
                rows,
            )
        search.index(ids)
    if connection.vendor == "postgresql":  # what autovacuum does after a bulk load: statistics, and the
        with connection.cursor() as cursor:  # visibility map that lets counts read the indexes alone
            cursor.execute("VACUUM ANALYZE")
    return time.perf_counter() - start


def measure(client, url: str, runs: int = RUNS) -> dict:
    from django.core.cache import caches
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    cold = []  # each with the cache emptied first: a search or page nobody asked for since the last change
    for _ in range(COLD_RUNS):
        caches["default"].clear()
        started = time.perf_counter()
        client.get(url)
        cold.append((time.perf_counter() - started) * 1000)
    times = []
    for _ in range(runs):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    times.sort()
    return {
        "median": statistics.median(times),
        "cold": statistics.median(cold),
        "p95": times[min(len(times) - 1, round(0.95 * len(times)) - 1)],
        "queries": len(queries),
        "kb": len(response.content) / 1000,
    }


def main(sizes: list[int]) -> None:
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.test import Client

    from education.models import LeafletVersion

    call_command("migrate", verbosity=0)
    users = get_user_model().objects
    editor = users.filter(username="bench-editor").first() or users.create_user("bench-editor", is_staff=True)
    approver = users.filter(username="bench-approver").first() or users.create_user("bench-approver", is_staff=True)
    admin = users.filter(username="bench-admin").first() or users.create_superuser("bench-admin", password=None)
    public, staff, owner = Client(), Client(), Client()
    staff.force_login(admin)
    owner.force_login(editor)  # owns every leaflet: the staff home's "due for review" holds half of them
    for size in sizes:
        seconds = build(size, editor=editor, approver=approver)
        published = LeafletVersion.objects.filter(status="published").count()
        one = LeafletVersion.objects.filter(status="published", language="en").order_by("pk").last()
        requests = [
            ("one leaflet page", public, f"/leaflets/{one.leaflet.slug}/"),
            ("index", public, "/leaflets/"),
            ("index page 50", public, "/leaflets/?page=50" if size >= 1000 else "/leaflets/?page=1"),
            ("search, common word", public, "/leaflets/?q=skin"),
            ("search, rare word", public, "/leaflets/?q=rare2"),
            ("search, two words", public, "/leaflets/?q=infected+swelling"),
            ("search, no hit", public, "/leaflets/?q=zzzzqx"),
            ("topic filter", public, "/leaflets/?topic=Eczema"),
            ("staff handout picker", staff, "/staff/handout/"),
            ("staff handout picker, ?q=", staff, "/staff/handout/?q=eczema+infected"),
            ("admin version list", staff, "/admin/education/leafletversion/"),
            ("staff home, owner of every leaflet", owner, "/staff/"),
        ]
        print(f"\n{size} leaflets ({published} published versions), built in {seconds:.1f} s\n")
        print("| request | median ms | p95 ms | cache empty, median ms | queries | kB |")
        print("| --- | ---: | ---: | ---: | ---: | ---: |")
        results = {}
        for name, client, url in requests:
            results[name] = result = measure(client, url)
            print(
                f"| {name} | {result['median']:.1f} | {result['p95']:.1f} | {result['cold']:.1f} | {result['queries']} "
                f"| {result['kb']:.1f} |"
            )
        base = results["one leaflet page"]["median"]
        slow = [
            name
            for name, result in results.items()
            if not name.startswith(("staff", "admin"))
            and (result["median"] > 2 * base or result["queries"] > 4 or result["kb"] >= 100)
        ]
        staff_slow = [n for n, r in results.items() if n.startswith(("staff", "admin")) and r["p95"] >= 200]
        print(f"\npeak memory (RSS high-water mark): {rss_peak_mib():.0f} MiB")
        print(
            f"public requests over 2x the leaflet page median ({2 * base:.1f} ms), 4 queries or 100 kB: {slow or 'none'}"
        )
        print(f"staff requests over 200 ms p95: {staff_slow or 'none'}")
        cold_slow = [n for n, r in results.items() if not n.startswith(("staff", "admin")) and r["cold"] > 2 * base]
        print(f"public requests over 2x the leaflet page median with the cache empty: {cold_slow or 'none'}")


if __name__ == "__main__":
    main([int(value) for value in sys.argv[1:]] or [3, 5000])
