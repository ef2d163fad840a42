"""A product's public form as admins set it: which optional fields it shows, the
question types (the product's contact reasons), which attachments it takes, and its
privacy statement. A product without a saved row gets the defaults."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from db.models.contacts import ContactReason, Product, utcnow
from db.models.webform import WebformConfig
from services.webform.sniff import KINDS

OPTIONAL_FIELDS = ("phone", "role", "identifier", "attachments")
FIELD_MODES = ("off", "optional", "required")
ROLES = ("citizen", "professional", "organisation")
DEFAULT_FIELDS = {"phone": "optional", "role": "required", "identifier": "optional"}
DEFAULT_FIELDS["attachments"] = "optional"
DEFAULT_TYPES = ["pdf", "png", "jpeg"]
MAX_ATTACHMENT_BYTES = 25 * 1024 * 1024
MAX_ATTACHMENTS = 10


class ConfigError(ValueError):
    """An admin's form settings that cannot be saved; ``field`` names the input."""

    def __init__(self, code: str, field_name: str) -> None:
        super().__init__(code)
        self.code, self.field = code, field_name


@dataclass(frozen=True)
class Reason:
    id: int
    label_nl: str
    label_en: str
    code: str = ""

    def label(self, language: str) -> str:
        return self.label_en if language == "en" else self.label_nl


@dataclass(frozen=True)
class FormSettings:
    product_id: int
    product_code: str
    product_name: str
    enabled: bool
    fields: dict[str, str]
    reasons: list[Reason]
    attachment_types: list[str]
    attachment_max_bytes: int
    attachment_max_count: int
    privacy_url: str
    privacy_text_nl: str
    privacy_text_en: str
    reason_ids: list[int] = field(default_factory=list)

    def mode(self, name: str) -> str:
        return self.fields.get(name, "off")

    def shows(self, name: str) -> bool:
        return self.mode(name) != "off"

    def privacy_text(self, language: str) -> str:
        return self.privacy_text_en if language == "en" else self.privacy_text_nl


async def form_settings(session: AsyncSession, product_code: str) -> FormSettings | None:
    """The form of the active product with this code (case-insensitive), or None."""
    product = await session.scalar(
        select(Product).where(Product.code == product_code.upper(), Product.active)
    )
    if product is None:
        return None
    return await settings_of(session, product)


async def settings_of(session: AsyncSession, product: Product) -> FormSettings:
    row = await session.get(WebformConfig, product.id)
    row = row or WebformConfig(product_id=product.id, fields=dict(DEFAULT_FIELDS))
    reasons = list(
        (
            await session.exec(
                select(ContactReason)
                .where(ContactReason.product_id == product.id, ContactReason.active)
                .order_by(ContactReason.label_nl)
            )
        ).all()
    )
    chosen = [int(i) for i in row.reason_ids]
    offered = [r for r in reasons if not chosen or r.id in chosen]
    return FormSettings(
        product_id=product.id,
        product_code=product.code,
        product_name=product.name,
        enabled=row.enabled,
        fields={**{f: "off" for f in OPTIONAL_FIELDS}, **row.fields},
        reasons=[Reason(r.id, r.label_nl, r.label_en, r.code) for r in offered],
        attachment_types=list(row.attachment_types or DEFAULT_TYPES),
        attachment_max_bytes=row.attachment_max_bytes,
        attachment_max_count=row.attachment_max_count,
        privacy_url=row.privacy_url,
        privacy_text_nl=row.privacy_text_nl,
        privacy_text_en=row.privacy_text_en,
        reason_ids=chosen,
    )


@dataclass
class ConfigChange:
    enabled: bool
    fields: dict[str, str]
    reason_ids: list[int]
    attachment_types: list[str]
    attachment_max_bytes: int
    attachment_max_count: int
    privacy_url: str = ""
    privacy_text_nl: str = ""
    privacy_text_en: str = ""


async def save_settings(session: AsyncSession, product: Product, change: ConfigChange) -> None:
    """Store a product's form settings; ConfigError names what is wrong."""
    for name, mode in change.fields.items():
        if name not in OPTIONAL_FIELDS or mode not in FIELD_MODES:
            raise ConfigError("field_mode", f"field_{name}")
    unknown = [k for k in change.attachment_types if k not in KINDS]
    if unknown:
        raise ConfigError("attachment_type", "attachment_types")
    if not 1024 <= change.attachment_max_bytes <= MAX_ATTACHMENT_BYTES:
        raise ConfigError("attachment_size", "attachment_max_mb")
    if not 1 <= change.attachment_max_count <= MAX_ATTACHMENTS:
        raise ConfigError("attachment_count", "attachment_max_count")
    if change.privacy_url and not change.privacy_url.startswith(("https://", "http://", "/")):
        raise ConfigError("privacy_url", "privacy_url")
    own = set(
        (
            await session.exec(
                select(ContactReason.id).where(ContactReason.product_id == product.id)
            )
        ).all()
    )
    if any(i not in own for i in change.reason_ids):
        raise ConfigError("reason", "reason_ids")
    row = await session.get(WebformConfig, product.id) or WebformConfig(product_id=product.id)
    row.enabled = change.enabled
    row.fields = {f: change.fields.get(f, "off") for f in OPTIONAL_FIELDS}
    row.reason_ids = list(change.reason_ids)
    row.attachment_types = list(change.attachment_types)
    row.attachment_max_bytes = change.attachment_max_bytes
    row.attachment_max_count = change.attachment_max_count
    row.privacy_url = change.privacy_url[:500]
    row.privacy_text_nl = change.privacy_text_nl[:5000]
    row.privacy_text_en = change.privacy_text_en[:5000]
    row.updated_at = utcnow()
    session.add(row)
    await session.commit()
