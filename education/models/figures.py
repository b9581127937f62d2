"""Figures (pictures) in a version's body. They belong to the version like its text: part of its
fingerprint, changed only while it is a draft, frozen once it is submitted and published (triggers of
migration 0014)."""

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from education import figures
from education.models.versions import LeafletVersion

# The page's text column (static/css/screen.css: main.wrap at most 42rem with 1rem padding each side, the root
# font 112.5% = 18px), in pixels: in `sizes`, rem would mean the browser's initial 16px, not the page's.
SCREEN_SIZES = "(min-width: 756px) 720px, calc(100vw - 36px)"


class VersionFigure(models.Model):
    """One picture of a version, with its alt text, caption and place in the body."""

    class Extension(models.TextChoices):
        PNG = "png", "PNG"
        JPEG = "jpg", "JPEG"

    version = models.ForeignKey(LeafletVersion, on_delete=models.CASCADE, related_name="figures")
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    sha256 = models.CharField(_("picture fingerprint (SHA-256)"), max_length=64, editable=False)
    extension = models.CharField(_("file type"), max_length=3, choices=Extension.choices, editable=False)
    width = models.PositiveIntegerField(_("width (pixels)"), editable=False)
    height = models.PositiveIntegerField(_("height (pixels)"), editable=False)
    alt_text = models.CharField(
        _("alt text"),
        max_length=300,
        blank=True,
        help_text=_("What the picture shows, for someone who cannot see it. Required before review."),
    )
    caption = models.CharField(_("caption"), max_length=300, blank=True)
    after_heading = models.CharField(
        _("after heading"),
        max_length=200,
        blank=True,
        help_text=_("The body heading the picture follows, word for word; empty (or not found): after the body."),
    )

    class Meta:
        verbose_name = _("figure")
        verbose_name_plural = _("figures")
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(sha256__regex=r"^[0-9a-f]{64}$"), name="figure_sha256_hex"),
            models.CheckConstraint(condition=Q(extension__in=["png", "jpg"]), name="figure_extension_known"),
            models.CheckConstraint(condition=Q(width__gte=1, height__gte=1), name="figure_has_size"),
        ]

    def __str__(self) -> str:
        return self.alt_text or self.sha256[:12]

    @property
    def original_name(self) -> str:
        return figures.original_name(self.sha256, self.extension)

    def renditions(self) -> list[tuple[int, str]]:
        """(width, storage name) of the screen copies, narrowest first."""
        return [
            (width, figures.rendition_name(self.sha256, self.extension, width))
            for width in figures.rendition_widths(self.width)
        ]

    @property
    def print_name(self) -> str:
        return figures.rendition_name(self.sha256, self.extension, figures.print_width(self.width))

    def screen_html(self) -> str:
        """The figure for a patient page: the smallest copy as `src`, every copy in `srcset` with `sizes`
        matching the page's column, so a phone fetches only the copy its screen needs, and only when the
        reader scrolls near it (`loading="lazy"`); width and height keep the space while it loads."""
        copies = [(width, reverse("education:figure_file", kwargs={"name": name[len(figures.FIGURE_FOLDER):]}))
                  for width, name in self.renditions()]  # fmt: skip
        srcset = ", ".join(f"{url} {width}w" for width, url in copies)
        caption = format_html("<figcaption>{}</figcaption>", self.caption) if self.caption else ""
        return format_html(
            '<figure class="figure"><img src="{}" srcset="{}" sizes="{}" width="{}" height="{}" alt="{}"'
            ' loading="lazy" decoding="async">{}</figure>',
            copies[0][1],
            srcset,
            SCREEN_SIZES,
            self.width,
            self.height,
            self.alt_text,
            caption,
        )

    def fingerprint_data(self) -> tuple[str, str, str, str]:
        return (self.sha256, self.alt_text, self.caption, self.after_heading)
