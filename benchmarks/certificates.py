"""Certificate benchmarks: one render warm, 1,000 issued through Celery, worker memory.

Run from the project folder, one benchmark at a time (the machine's cores are shared):

    createdb -h 127.0.0.1 -U postgres elearning_bench_certs
    export DJANGO_SETTINGS_MODULE=benchmarks.certificates_settings
    .venv/bin/python manage.py migrate && .venv/bin/python manage.py seed_demo
    flock /tmp/bench.lock .venv/bin/python -m benchmarks.certificates render   # ~1 min
    flock /tmp/bench.lock .venv/bin/python -m benchmarks.certificates issue    # ~1-2 min
    flock /tmp/bench.lock .venv/bin/python -m benchmarks.certificates memory   # ~3 min

Every benchmark prints the Romanian design with a logo and two signature images (transparent
PNGs it creates once), as a real programme's design has; the demo's has none.

- render: `render_certificate_pdf` on one certificate (template, QR code, design look-ups,
  WeasyPrint), after a warm-up, in several runs; p50 per run and the median of the runs. A
  reference is measured in the same runs, interleaved: WeasyPrint rendering a one-paragraph A4
  page with no fonts of ours, so a slow machine shows up in both. Also interleaved (issue 19):
  `seal_pdf` alone on the rendered PDF (the configured key, and an RSA-2048 one), and render +
  seal as `certificate_issue` does it.
- issue: N learners (default 1,000) who completed the first certificate-issuing demo course, each
  with a pending certificate (requested beforehand, timed separately); one `celery worker
  --concurrency=2` (two prefork processes) on Redis; the clock runs from the first task queued to
  the last certificate ready.
- memory: one `celery worker --pool=solo` process re-renders the certificates 2,000 times (bulk
  re-issue tasks); its RSS is sampled from /proc; growth = end minus after the first 100 renders.

Each prints a JSON line with the figures. It refuses a database not named elearning_bench_certs,
since it deletes the benchmark course's certificates.
"""

from __future__ import annotations

import argparse
import ctypes.util
import json
import os
import platform
import statistics
import subprocess  # noqa: S404 - the Celery worker (benchmarks.common starts it)
import sys
import time
from pathlib import Path

from benchmarks import common
from benchmarks.common import TICK, VAR_DIR, child_pids, machine_ticks, process_ticks, rss_bytes

DATABASE_NAME = "elearning_bench_certs"
EMAIL_DOMAIN = "certs.bench.local"
LOGS = VAR_DIR / "certificates"  # worker logs; not in git
FIRST_NAMES = ["Ana", "Ștefan", "Ioana", "Cătălin", "Mădălina", "Răzvan", "Țicu", "Irina"]
LAST_NAMES = ["Popescu", "Țăranu", "Ștefănescu", "Mureșan", "Bălan", "Vătămanu", "Dumitrașcu"]


def setup_django() -> None:
    common.setup_django("benchmarks.certificates_settings", database=DATABASE_NAME)


def ensure_design_images() -> int:
    """The Romanian design with a logo and two signature images, as a real programme's has
    (the demo's has none): transparent PNGs, created once. Returns how many it prints."""
    import io

    from django.core.files.images import ImageFile
    from PIL import Image as PillowImage
    from PIL import ImageDraw
    from wagtail.images.models import Image

    from certificates.models import CertificateDesign

    def image(title: str, size: tuple[int, int], colour: str):
        found = Image.objects.filter(title=title).first()
        if found is not None:
            return found
        picture = PillowImage.new("RGBA", size, (255, 255, 255, 0))
        draw = ImageDraw.Draw(picture)
        draw.ellipse((10, 10, size[0] - 10, size[1] - 10), outline=colour, width=8)
        draw.line((40, size[1] // 2, size[0] - 40, size[1] // 3), fill=colour, width=6)
        data = io.BytesIO()
        picture.save(data, "PNG")
        return Image.objects.create(title=title, file=ImageFile(data, name=f"{title}.png"))

    design = CertificateDesign.objects.get(locale__language_code="ro")
    design.logo = image("bench-logo", (1200, 400), "navy")
    design.signature = image("bench-signature-1", (900, 300), "black")
    design.second_signature = image("bench-signature-2", (900, 300), "black")
    design.signatory_name = design.signatory_name or "Maria Ionescu"
    design.second_signatory_name = design.second_signatory_name or "Ion Popa"
    design.save()
    return 3


def bench_course():
    from courses.models import CoursePage

    course = (
        CoursePage.objects.filter(locale__language_code="ro", issues_certificate=True)
        .order_by("path")
        .first()
    )
    if course is None:
        sys.exit("No course issues certificates: run `manage.py seed_demo` first.")
    return course


def ensure_learners(n: int, course) -> list[int]:
    """n learners (created once, names with Romanian diacritics) who completed `course`."""
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from accounts.models import ProfessionalRole, User
    from courses.models import Enrollment

    UNUSABLE = make_password(None)  # noqa: N806
    emails = [f"certs-{i:05d}@{EMAIL_DOMAIN}" for i in range(1, n + 1)]
    existing = set(User.objects.filter(email__in=emails).values_list("email", flat=True))
    User.objects.bulk_create(
        [
            User(
                email=email,
                full_name=f"{FIRST_NAMES[i % len(FIRST_NAMES)]} "
                f"{LAST_NAMES[(i // len(FIRST_NAMES)) % len(LAST_NAMES)]}-{i}",
                role=ProfessionalRole.TEACHER,
                county="CJ",
                password=UNUSABLE,  # these accounts never log in
            )
            for i, email in enumerate(emails)
            if email not in existing
        ],
        batch_size=1000,
    )
    ids = list(User.objects.filter(email__in=emails).order_by("email").values_list("pk", flat=True))
    now = timezone.now()
    Enrollment.objects.bulk_create(
        [
            Enrollment(learner_id=pk, course_key=course.translation_key, completed_at=now)
            for pk in ids
        ],
        batch_size=1000,
        ignore_conflicts=True,
    )
    return ids


def reset_certificates(course) -> None:
    """No certificate for the benchmark course, no PDF file, an empty broker database."""
    from django.conf import settings

    from certificates.models import Certificate

    Certificate.objects.filter(course_key=course.translation_key).delete()
    folder = Path(settings.PRIVATE_FILES_ROOT) / "certificates"
    if folder.exists():
        for path in folder.iterdir():
            path.unlink()
    common.flush_redis(settings.CELERY_BROKER_URL)


def request_certificates(course, learner_ids: list[int]) -> list[str]:
    """A pending certificate for each learner, as the completion receiver creates it."""
    from django.utils import timezone

    from certificates.services import certificate_request

    now = timezone.now()
    return [
        str(
            certificate_request(
                learner_id=pk, course_key=course.translation_key, completed_at=now
            ).pk
        )
        for pk in learner_ids
    ]


def start_worker(log: Path, *args: str) -> subprocess.Popen:
    """A real `celery worker` on this process's settings, in its own session (so it can be
    killed with its children), returned once it says it is ready; stop it with
    common.stop_server()."""
    try:
        return common.start_worker(
            log, "--loglevel=INFO", *args, env=dict(os.environ), ready_within=90
        )
    except common.BenchmarkError as exc:
        sys.exit(str(exc))


def worker_cpu_seconds(pid: int) -> float:
    """CPU time (user + system) used so far by a worker and its pool processes, living or
    replaced. Load-independent enough to compare runs on a busy machine."""
    pids = [pid, *child_pids(pid)]
    return sum(process_ticks(p, with_waited_children=True) for p in pids) / TICK


def ready_count(course) -> int:
    from certificates.models import Certificate, CertificateStatus

    return Certificate.objects.filter(
        course_key=course.translation_key, status=CertificateStatus.READY
    ).count()


def machine() -> dict:
    model = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    commit = common.git_commit()
    return {
        "cpu": model,
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "commit": commit,
        "harfbuzz_subset": bool(ctypes.util.find_library("harfbuzz-subset")),
    }


def verify_one_each(course, learner_ids: list[int]) -> dict:
    """Exactly one ready certificate, one 'issued' event and one PDF file per learner."""
    from django.conf import settings
    from django.db.models import Count, Q

    from certificates.models import Certificate, CertificateEvent, CertificateStatus

    certificates = Certificate.objects.filter(
        course_key=course.translation_key, learner_id__in=learner_ids
    ).annotate(issued=Count("events", filter=Q(events__kind=CertificateEvent.Kind.ISSUED)))
    files = sorted(p.name for p in (Path(settings.PRIVATE_FILES_ROOT) / "certificates").iterdir())
    return {
        "learners": len(learner_ids),
        "certificates": certificates.count(),
        "ready": certificates.filter(status=CertificateStatus.READY).count(),
        "issued_events_not_1": certificates.exclude(issued=1).count(),
        "pdf_files": len(files),
        "files_match_certificates": files
        == sorted(f"{pk}.pdf" for pk in certificates.values_list("pk", flat=True)),
    }


def rsa_seal_settings() -> dict:
    """Settings naming an RSA-2048 seal (made once under benchmarks/var), to compare with the
    demo's EC P-256 key."""
    from cryptography.hazmat.primitives.asymmetric import rsa
    from django.conf import settings

    from certificates.seal_keys import seal_pkcs12, self_signed_seal_certificate

    path = Path(settings.CERTIFICATE_SEAL_PKCS12_FILE).with_name("bench-rsa2048.p12")
    if not path.exists():
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        path.write_bytes(seal_pkcs12(key, self_signed_seal_certificate(key), "bench"))
    return {
        "CERTIFICATE_SEAL_PKCS12_FILE": str(path),
        "CERTIFICATE_SEAL_PKCS12_PASSPHRASE": "bench",
    }


def cmd_render(args) -> dict:
    from django.test import override_settings
    from weasyprint import HTML

    from certificates.models import Certificate
    from certificates.rendering import render_certificate_pdf
    from certificates.sealing import seal_pdf
    from certificates.services import certificate_issue

    course = bench_course()
    [learner_id] = ensure_learners(1, course)
    certificate = Certificate.objects.filter(learner_id=learner_id).first()
    if certificate is None:
        [certificate_id] = request_certificates(course, [learner_id])
        certificate_issue(certificate_id=certificate_id)
        certificate = Certificate.objects.get(pk=certificate_id)
    reference = (
        "<html><head><style>@page { size: A4 landscape }</style></head>"
        "<body><p>Referință: o pagină A4, un paragraf.</p></body></html>"
    )

    def timed(fn, cpu=None) -> float:
        # Wall time is what a worker waits; CPU time shows how much of it was ours when other
        # programs share the cores.
        start, start_cpu = time.perf_counter(), time.process_time()
        fn()
        if cpu is not None:
            cpu.append((time.process_time() - start_cpu) * 1000)
        return (time.perf_counter() - start) * 1000

    def render_certificate():
        render_certificate_pdf(certificate)

    def render_reference():
        HTML(string=reference).write_pdf()

    # Issue 19: the seal alone (the configured key: the demo's EC P-256), the same with an
    # RSA-2048 key, and render + seal as certificate_issue does it.
    unsealed = render_certificate_pdf(certificate)
    rsa_seal = rsa_seal_settings()

    def seal():
        seal_pdf(unsealed)

    def seal_rsa():
        with override_settings(**rsa_seal):
            seal_pdf(unsealed)

    def render_and_seal():
        seal_pdf(render_certificate_pdf(certificate))

    for _ in range(args.warmup):
        render_certificate()
        render_reference()
        seal()
        seal_rsa()
        render_and_seal()
    runs = []
    for _ in range(args.runs):
        certificate_ms, reference_ms, cpu_ms = [], [], []
        seal_ms, seal_rsa_ms, sealed_ms, sealed_cpu_ms = [], [], [], []
        for _ in range(args.renders):
            certificate_ms.append(timed(render_certificate, cpu_ms))
            reference_ms.append(timed(render_reference))
            seal_ms.append(timed(seal))
            seal_rsa_ms.append(timed(seal_rsa))
            sealed_ms.append(timed(render_and_seal, sealed_cpu_ms))
        reference_p50 = statistics.median(reference_ms)
        runs.append(
            {
                "certificate_p50_ms": round(statistics.median(certificate_ms), 1),
                "certificate_p95_ms": round(common.percentile(certificate_ms, 95), 1),
                "certificate_cpu_p50_ms": round(statistics.median(cpu_ms), 1),
                "reference_p50_ms": round(reference_p50, 1),
                "seal_p50_ms": round(statistics.median(seal_ms), 1),
                "seal_rsa2048_p50_ms": round(statistics.median(seal_rsa_ms), 1),
                "render_seal_p50_ms": round(statistics.median(sealed_ms), 1),
                "render_seal_cpu_p50_ms": round(statistics.median(sealed_cpu_ms), 1),
                "render_seal_per_reference": round(statistics.median(sealed_ms) / reference_p50, 2),
            }
        )
        print(json.dumps(runs[-1]), flush=True)
    sealed_runs = {
        name: statistics.median(r[name] for r in runs)
        for name in (
            "seal_p50_ms",
            "seal_rsa2048_p50_ms",
            "render_seal_p50_ms",
            "render_seal_cpu_p50_ms",
            "render_seal_per_reference",
        )
    }
    return {
        **{f"{name}_median": value for name, value in sealed_runs.items()},
        "sealed_pdf_bytes": len(seal_pdf(unsealed)),
        "benchmark": "render",
        "renders_per_run": args.renders,
        "runs": runs,
        "certificate_p50_ms_median": statistics.median(r["certificate_p50_ms"] for r in runs),
        "certificate_cpu_p50_ms_median": statistics.median(
            r["certificate_cpu_p50_ms"] for r in runs
        ),
        "reference_p50_ms_median": statistics.median(r["reference_p50_ms"] for r in runs),
        "pdf_bytes": len(render_certificate_pdf(certificate)),
    }


def cmd_issue(args) -> dict:
    from certificates.tasks import issue_certificate

    course = bench_course()
    learner_ids = ensure_learners(args.n, course)
    reset_certificates(course)
    start = time.perf_counter()
    certificate_ids = request_certificates(course, learner_ids)
    request_s = time.perf_counter() - start

    log = Path(args.log)
    log.parent.mkdir(parents=True, exist_ok=True)
    log.unlink(missing_ok=True)
    worker = start_worker(log, "--pool=prefork", "--concurrency=2")
    try:
        worker_cpu, machine_cpu = worker_cpu_seconds(worker.pid), machine_ticks() / TICK
        start = time.perf_counter()
        for certificate_id in certificate_ids:
            issue_certificate.delay(certificate_id)
        queued_s = time.perf_counter() - start
        while ready_count(course) < args.n and time.perf_counter() - start < args.timeout:
            time.sleep(0.2)
        issue_s = time.perf_counter() - start
        worker_cpu = worker_cpu_seconds(worker.pid) - worker_cpu
        machine_cpu = machine_ticks() / TICK - machine_cpu
    finally:
        common.stop_server(worker, timeout=60)
    return {
        "benchmark": "issue",
        "n": args.n,
        "worker": "celery worker --pool=prefork --concurrency=2",
        "request_pending_s": round(request_s, 1),
        "queue_all_s": round(queued_s, 2),
        "issue_all_s": round(issue_s, 1),
        "per_second": round(args.n / issue_s, 1),
        # The worker's own CPU per certificate (its two pool processes and the main one), and
        # how many cores the whole machine kept busy meanwhile: about 2 means the worker had
        # to share the cores with others (the run is then slower than the machine allows).
        "worker_cpu_ms_per_certificate": round(worker_cpu * 1000 / args.n, 1),
        "machine_cores_busy": round(machine_cpu / issue_s, 2),
        "worker_cores_busy": round(worker_cpu / issue_s, 2),
        **verify_one_each(course, learner_ids),
    }


def cmd_memory(args) -> dict:
    from django.conf import settings

    from certificates.models import CertificateEvent
    from certificates.tasks import reissue_certificate

    course = bench_course()
    learner_ids = ensure_learners(args.certificates, course)
    if ready_count(course) < args.certificates:
        sys.exit("Run `issue` first: the memory benchmark re-renders its certificates.")
    from certificates.models import Certificate

    certificate_ids = [
        str(pk)
        for pk in Certificate.objects.filter(
            course_key=course.translation_key, learner_id__in=learner_ids
        ).values_list("pk", flat=True)
    ]
    CertificateEvent.objects.filter(
        certificate__course_key=course.translation_key, kind=CertificateEvent.Kind.REISSUED
    ).delete()
    # An empty broker: the `issue` run leaves its "certificate ready" e-mails queued.
    common.flush_redis(settings.CELERY_BROKER_URL)
    log = Path(args.log)
    log.parent.mkdir(parents=True, exist_ok=True)
    log.unlink(missing_ok=True)
    # Solo: the process that renders is the process sampled.
    worker = start_worker(log, "--pool=solo")
    samples = []
    try:
        start_rss = rss_bytes(worker.pid) // 1024
        for i in range(args.renders):
            reissue_certificate.delay(certificate_ids[i % len(certificate_ids)])
        start = time.perf_counter()
        done = 0
        while done < args.renders and time.perf_counter() - start < args.timeout:
            done = CertificateEvent.objects.filter(
                certificate__course_key=course.translation_key, kind=CertificateEvent.Kind.REISSUED
            ).count()
            samples.append((done, rss_bytes(worker.pid) // 1024))
            time.sleep(0.5)
        elapsed = time.perf_counter() - start
    finally:
        common.stop_server(worker, timeout=60)
    warm = next(rss for renders, rss in samples if renders >= 100)
    end = samples[-1][1]
    return {
        "benchmark": "memory",
        "renders": samples[-1][0],
        "worker": "celery worker --pool=solo",
        "rss_mib_idle": round(start_rss / 1024, 1),
        "rss_mib_after_100": round(warm / 1024, 1),
        "rss_mib_end": round(end / 1024, 1),
        "rss_mib_max": round(max(rss for _, rss in samples) / 1024, 1),
        "growth_mib_after_100_to_end": round((end - warm) / 1024, 1),
        "seconds": round(elapsed, 1),
        "rss_mib_by_renders": [
            (renders, round(rss / 1024, 1))
            for renders, rss in samples[:: max(1, len(samples) // 12)]
        ],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    render = sub.add_parser("render")
    render.add_argument("--warmup", type=int, default=20)
    render.add_argument("--runs", type=int, default=5)
    render.add_argument("--renders", type=int, default=60)
    issue = sub.add_parser("issue")
    issue.add_argument("--n", type=int, default=1000)
    issue.add_argument("--timeout", type=float, default=900)
    issue.add_argument("--log", default=str(LOGS / "issue-worker.log"))
    memory = sub.add_parser("memory")
    memory.add_argument("--renders", type=int, default=2000)
    memory.add_argument("--certificates", type=int, default=1000)
    memory.add_argument("--timeout", type=float, default=1200)
    memory.add_argument("--log", default=str(LOGS / "memory-worker.log"))
    args = parser.parse_args()
    setup_django()
    design_images = ensure_design_images()
    result = {"cmd_render": cmd_render, "cmd_issue": cmd_issue, "cmd_memory": cmd_memory}[
        f"cmd_{args.command}"
    ](args)
    output = {**result, "design_images": design_images, "machine": machine()}
    print(json.dumps(output, ensure_ascii=False))


if __name__ == "__main__":
    main()
