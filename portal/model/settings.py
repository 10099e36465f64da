"""Types of the files under ``site_config/``: languages and contacts."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Annotated, Literal

from babel import Locale, UnknownLocaleError

from .fields import SLUG, Pattern, Text, child
from .schedule import doc
from .types import Confirmable, Pending, to_confirm_field

LANG_CODE = Pattern(
    r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$", "lang.bad_code", "codice di lingua (BCP 47)", "it"
)


@dataclass(frozen=True)
class Language:
    code: Annotated[str, LANG_CODE] = doc("Codice della lingua (BCP 47), es. it, en, ar, zh-Hans.")
    name: str = doc("Nome della lingua scritto nella lingua stessa (Italiano, English, العربية).")
    dir: Literal["ltr", "rtl"] = doc("Direzione del testo: ltr o rtl (arabo, urdu).", default="ltr")

    def check(self, node, ctx, name):
        try:
            Locale.parse(self.code, sep="-")
        except (UnknownLocaleError, ValueError):
            ctx.error(child(node, "code"), "lang.unknown_locale", f"{name}.code", code=self.code)

    @property
    def locale(self) -> Locale:
        return Locale.parse(self.code, sep="-")


@dataclass(frozen=True)
class LanguagesFile:
    languages: tuple[Language, ...] = doc("Le lingue del sito; la prima è la lingua di partenza.")

    def check(self, node, ctx, name):
        seen = set()
        for i, language in enumerate(self.languages):
            if language.code in seen:
                ctx.error(
                    child(node, "languages").value[i],
                    "id.duplicate_in_file",
                    f"languages[{i}].code",
                    id=language.code,
                )
            seen.add(language.code)
        if self.languages and self.languages[0].code != "it":
            ctx.error(child(node, "languages"), "lang.first_not_italian", "languages")


@dataclass(frozen=True)
class Contact:
    id: Annotated[str, SLUG] = doc("Identificativo breve del contatto.")
    kind: Literal["phone", "email", "web", "address"] = doc("phone, email, web o address.")
    label: Text = doc("Che contatto è (es. Telefono del portierato).")
    status: Literal["available", "not_yet_available"] = doc(
        "available, oppure not_yet_available finché il dato non è stato comunicato."
    )
    value: str | None = doc(
        "Il numero, l'indirizzo e-mail o il link; vuoto se non disponibile.", default=None
    )
    note: Text | None = doc("Quando o per che cosa usarlo.", default=None)
    in_footer: bool = doc(
        "true = compare nell'aiuto a fondo di ogni pagina (solo un contatto available).",
        default=False,
    )
    _mark: tuple | None = dataclasses.field(default=None, compare=False, repr=False)

    def check(self, node, ctx, name):
        if self.in_footer and self.status != "available":
            ctx.error(child(node, "in_footer"), "contact.footer_unavailable", f"{name}.in_footer")
        if self.status == "available" and not self.value:
            ctx.error(node, "contact.value_required", name)
        if self.status == "not_yet_available" and self.value:
            ctx.error(child(node, "value"), "contact.value_unexpected", f"{name}.value")


@dataclass(frozen=True)
class ContactsFile:
    contacts: tuple[Contact, ...] = doc("I contatti pubblicati sul sito.")


# At least 6 months: the Garante asks that logins to systems with personal data be kept that
# long (provvedimento 27 novembre 2008, amministratori di sistema); over 10 years is a typo.
AUDIT_LOG_MONTHS = (6, 120)


@dataclass(frozen=True)
class Retention:
    pre_applications_months: int = doc(
        "Mesi dopo l'invio in cui si tengono le pre-domande del contributo; poi si cancellano."
    )
    registrations_days_after_event: int = doc(
        "Giorni dopo la fine di un evento in cui si tengono le iscrizioni; poi si cancellano."
    )
    audit_log_months: int = doc(
        "Mesi in cui si tiene il registro delle attività dell'area dello sportello (chi ha "
        "fatto che cosa); poi ogni voce si cancella. Da 6 a 120."
    )

    def check(self, node, ctx, name):
        if not AUDIT_LOG_MONTHS[0] <= self.audit_log_months <= AUDIT_LOG_MONTHS[1]:
            ctx.error(
                child(node, "audit_log_months"), "retention.audit_log", f"{name}.audit_log_months"
            )


# A field of an online form, named as forms_service/domain/forms.py names it; the privacy
# notice shows its label (form_label_<name> in site_config/strings).
FORM_FIELD = Pattern(r"^[a-z]+(_[a-z]+)*$", "form.field_name", "nome di un campo", "full_name")


@dataclass(frozen=True)
class LegalBasis:
    text: Text = doc(
        "La base giuridica del trattamento. Finché il Comune non l'ha confermata, mettila in "
        "to_confirm (online_forms.<modulo>.legal_basis) e la pagina la mostra da confermare."
    )


@dataclass(frozen=True)
class OnlineForm:
    state: Literal["open", "closed"] = doc(
        "open = il modulo online raccoglie dati; closed = il modulo è chiuso: non salva "
        "nulla e le sue pagine mandano agli sportelli. Per aprirlo l'informativa deve dire "
        "quali dati, perché, su quale base giuridica e chi li vede."
    )
    collects: tuple[Annotated[str, FORM_FIELD], ...] = doc(
        "I dati che il modulo chiede, con i nomi dei campi (full_name, phone…): "
        "l'informativa privacy li elenca.",
        default=(),
    )
    purpose: Text | None = doc("Perché si raccolgono quei dati.", default=None)
    legal_basis: LegalBasis | None = doc("Su quale base giuridica.", default=None)
    seen_by: Text | None = doc("Chi vede i dati.", default=None)

    def check(self, node, ctx, name):
        if self.state != "open":
            return
        missing = [
            key
            for key in ("collects", "purpose", "legal_basis", "seen_by")
            if not getattr(self, key)
        ]
        if missing:
            ctx.error(node, "form.notice_incomplete", name, missing=", ".join(missing))


@dataclass(frozen=True)
class OnlineForms:
    pre_application: OnlineForm = doc("La pre-domanda online del contributo per il riscaldamento.")
    registration: OnlineForm = doc("L'iscrizione online agli eventi.")


@dataclass(frozen=True)
class FormsFile(Confirmable):
    # The privacy notice marks both with Renderer.marked (site/render/pages.py): the
    # retention periods and each form's parts (online_forms.<form>.legal_basis, …).
    CONFIRMABLE = ("retention", "online_forms")
    retention: Retention = doc("Per quanto tempo si tengono i dati dei moduli online.")
    online_forms: OnlineForms = doc(
        "Ogni modulo online: aperto o chiuso, e che cosa dice di lui l'informativa privacy."
    )
    to_confirm: tuple[Pending, ...] = to_confirm_field()
