"""The content types. Their annotations are the schema of the YAML files.

A field without a default is required. ``check`` methods hold the rules that
span several fields; they point each problem at the field to fix.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from .fields import SLUG, LangCode, Ref, Text, TimeZoneName, child
from .schedule import LOCAL_TIMEZONE, Schedule, doc

Id = Annotated[str, SLUG]
DeskRef = Annotated[str, Ref("desks")]
RoleRef = Annotated[str, Ref("roles")]
ContactRef = Annotated[str, Ref("contacts")]
Lang = Annotated[str, LangCode]

# One sign-up to an event brings at most MAX_GROUP people; DEFAULT_GROUP when the event's
# max_group is not written. Small, so one anonymous client cannot fill an event alone.
MAX_GROUP = 10
DEFAULT_GROUP = 4

UPDATED = "Data dell'ultima modifica del contenuto, AAAA-MM-GG: appare in fondo alla pagina."


@dataclass(frozen=True)
class Status:
    state: Literal["active", "suspended", "closed"] = doc("active, suspended o closed.")
    reason: Text | None = doc(
        "Perché è sospeso o chiuso (obbligatorio in quei casi).", default=None
    )

    def check(self, node, ctx, name):
        if self.state != "active" and self.reason is None:
            ctx.error(node, "status.reason_required", name, state=self.state)


ACTIVE = Status("active")


@dataclass(frozen=True)
class Address:
    street: str = doc("Via e numero civico.")
    city: str = doc("Comune.", default="Bergamo")
    confirmed: bool = doc(
        "false se l'indirizzo non è ancora confermato: la pagina lo dice.", default=True
    )
    note: Text | None = doc("Indicazioni utili per arrivare.", default=None)


@dataclass(frozen=True)
class Desk:
    id: Id = doc("Identificativo breve, minuscolo con trattini: diventa l'indirizzo della pagina.")
    name: Text = doc("Nome dello sportello.")
    neighbourhood: str = doc("Quartiere (nome proprio, uguale in tutte le lingue).")
    schedule: Schedule = doc("Orari di apertura.")
    what_to_ask: tuple[Text, ...] = doc("Per che cosa si può venire allo sportello.")
    updated: date = doc(UPDATED)
    address: Address | None = doc("Indirizzo; vuoto se non è ancora noto.", default=None)
    summary: Text | None = doc("Una frase di presentazione.", default=None)
    roles: tuple[RoleRef, ...] = doc("Ruoli del team presenti allo sportello.", default=())
    contacts: tuple[ContactRef, ...] = doc("Contatti (da site_config/contacts.yml).", default=())
    easy: str | None = doc(
        "La stessa pagina in italiano semplice: frasi brevi, parole comuni "
        "(Markdown). Diventa una pagina a parte, collegata a questa.",
        default=None,
    )


@dataclass(frozen=True)
class Role:
    id: Id = doc("Identificativo breve del ruolo.")
    title: Text = doc("Nome del ruolo.")
    helps_with: Text = doc("In che cosa aiuta i residenti, in parole semplici.")
    updated: date = doc(UPDATED)
    people: int = doc("Quante persone hanno questo ruolo.", default=1)
    ask_about: tuple[Text, ...] = doc("Esempi di domande da fare a questo ruolo.", default=())


@dataclass(frozen=True)
class Service:
    id: Id = doc("Identificativo breve del servizio.")
    title: Text = doc("Nome del servizio.")
    summary: Text = doc("Descrizione breve (una o due frasi).")
    updated: date = doc(UPDATED)
    status: Status = doc("Stato del servizio.", default=ACTIVE)
    action: str | None = doc("Linea d'azione del progetto (es. K.1).", default=None)
    audience: Text | None = doc("A chi è rivolto.", default=None)
    how_to: Text | None = doc("Come fare.", default=None)
    what_you_need: Text | None = doc("Cosa serve.", default=None)
    what_you_get: Text | None = doc("Cosa si ottiene.", default=None)
    times: Text | None = doc("Tempi e scadenze.", default=None)
    costs: Text | None = doc("Quanto costa.", default=None)
    desks: tuple[DeskRef, ...] = doc("Dove rivolgersi: gli sportelli.", default=())
    roles: tuple[RoleRef, ...] = doc("Ruoli del team che se ne occupano.", default=())
    contacts: tuple[ContactRef, ...] = doc("Contatti.", default=())


@dataclass(frozen=True)
class Session:
    start: datetime = doc("Inizio, AAAA-MM-GG HH:MM (ora locale).")
    end: datetime = doc("Fine, AAAA-MM-GG HH:MM (ora locale).", example="2026-04-18 11:30")

    def check(self, node, ctx, name):
        if self.end <= self.start:
            ctx.error(
                child(node, "end"),
                "time.end_before_start",
                f"{name}.end",
                start=_show(self.start),
                end=_show(self.end),
            )


@dataclass(frozen=True)
class Course:
    id: Id = doc("Identificativo breve del corso.")
    title: Text = doc("Nome del corso.")
    summary: Text = doc("Di che cosa tratta.")
    how_to_join: Text = doc("Come iscriversi.")
    updated: date = doc(UPDATED)
    status: Status = doc("Stato del corso.", default=ACTIVE)
    audience: Text | None = doc("A chi è rivolto.", default=None)
    when: Text | None = doc("Quando, a parole (se le date non sono ancora fissate).", default=None)
    sessions: tuple[Session, ...] = doc("Incontri con data e ora.", default=())
    desks: tuple[DeskRef, ...] = doc("Dove si svolge.", default=())
    languages: tuple[Lang, ...] = doc("Lingue in cui si svolge.", default=())
    costs: Text | None = doc("Quanto costa.", default=None)


@dataclass(frozen=True)
class Place:
    desk: DeskRef | None = doc("Uno sportello (id), oppure…", default=None)
    address: str | None = doc("…un indirizzo.", default=None)
    note: Text | None = doc("Dove ritrovarsi di preciso.", default=None)

    def check(self, node, ctx, name):
        if (self.desk is None) == (self.address is None):
            ctx.error(node, "place.one_of", name)


@dataclass(frozen=True)
class SignupWindow:
    opens: datetime = doc("Apertura delle iscrizioni, AAAA-MM-GG HH:MM.")
    closes: datetime = doc(
        "Chiusura delle iscrizioni, AAAA-MM-GG HH:MM.", example="2026-04-30 18:00"
    )

    def check(self, node, ctx, name):
        if self.closes <= self.opens:
            ctx.error(
                child(node, "closes"),
                "time.end_before_start",
                f"{name}.closes",
                start=_show(self.opens),
                end=_show(self.closes),
            )


@dataclass(frozen=True)
class Event:
    id: Id = doc("Identificativo breve dell'evento.")
    title: Text = doc("Titolo.")
    description: Text = doc("Descrizione.")
    place: Place = doc("Dove: uno sportello o un indirizzo.")
    updated: date = doc(UPDATED)
    start: datetime | None = doc("Inizio, AAAA-MM-GG HH:MM (ora locale).", default=None)
    end: datetime | None = doc("Fine, AAAA-MM-GG HH:MM (ora locale).", default=None)
    date_to_be_confirmed: bool = doc("true se la data non è ancora fissata.", default=False)
    when: Text | None = doc(
        "Periodo indicativo, a parole, quando la data è da confermare.", default=None
    )
    capacity: int | None = doc("Posti disponibili (vuoto = non ancora stabilito).", default=None)
    max_group: int | None = doc(
        f"Quante persone al massimo con una sola iscrizione, da 1 a {MAX_GROUP} (vuoto = "
        f"{DEFAULT_GROUP}; mai più di capacity). Il modulo non accetta gruppi più grandi.",
        default=None,
    )
    languages: tuple[Lang, ...] = doc("Lingue parlate all'evento.", default=("it",))
    signup: SignupWindow | None = doc("Quando ci si può iscrivere online.", default=None)
    timezone: Annotated[str, TimeZoneName] = doc(
        "Fuso orario IANA delle date.", default=LOCAL_TIMEZONE
    )

    def check(self, node, ctx, name):
        if not self.date_to_be_confirmed:
            for key in ("start", "end"):
                if getattr(self, key) is None:
                    ctx.error(node, "event.needs_dates", key, key=key)
        if self.start and self.end and self.end <= self.start:
            ctx.error(
                child(node, "end"),
                "time.end_before_start",
                "end",
                start=_show(self.start),
                end=_show(self.end),
            )
        if self.signup and self.end and self.signup.closes > self.end:
            ctx.error(
                child(child(node, "signup"), "closes"), "event.signup_after_end", "signup.closes"
            )
        if self.signup and self.date_to_be_confirmed:
            ctx.error(child(node, "signup"), "event.signup_without_date", "signup")
        if self.capacity == 0:
            ctx.error(child(node, "capacity"), "event.capacity_zero", "capacity")
        if self.max_group is not None and not 1 <= self.max_group <= MAX_GROUP:
            ctx.error(
                child(node, "max_group"), "event.max_group_range", "max_group", most=MAX_GROUP
            )
        elif self.max_group and self.capacity and self.max_group > self.capacity:
            ctx.error(
                child(node, "max_group"),
                "event.max_group_over_capacity",
                "max_group",
                group=self.max_group,
                capacity=self.capacity,
            )

    @property
    def largest_group(self) -> int:
        """The most people one sign-up may bring: max_group (or the small default), never
        more than the whole event. The forms service and the site both read it here."""
        group = self.max_group or DEFAULT_GROUP
        return min(group, self.capacity) if self.capacity else group


@dataclass(frozen=True)
class Section:
    heading: Text = doc("Titolo della sezione.")
    body: Text | None = doc(
        "Testo della sezione (Markdown semplice: elenchi, grassetto, link).", default=None
    )
    generated: Literal["data_retention"] | None = doc(
        "Al posto di body: testo scritto dal sito a partire dai dati (data_retention = i tempi "
        "di conservazione di site_config/forms.yml).",
        default=None,
    )

    def check(self, node, ctx, name):
        if (self.body is None) == (self.generated is None):
            ctx.error(node, "section.body_or_generated", name)


@dataclass(frozen=True)
class Page:
    id: Id = doc("Identificativo breve: diventa l'indirizzo della pagina.")
    title: Text = doc("Titolo della pagina.")
    sections: tuple[Section, ...] = doc("Le sezioni, in ordine.")
    updated: date = doc(UPDATED)
    summary: Text | None = doc("Introduzione breve.", default=None)
    placement: Literal["main", "footer"] = doc(
        "main = nel menu principale; footer = link a fondo pagina (privacy, note legali…).",
        default="main",
    )
    easy: str | None = doc(
        "La stessa pagina in italiano semplice: frasi brevi, parole comuni "
        "(Markdown). Diventa una pagina a parte, collegata a questa.",
        default=None,
    )


@dataclass(frozen=True)
class Range:
    min: Decimal = doc("Valore minimo, compreso. Punto per i decimali: 9360.01")
    max: Decimal = doc("Valore massimo, compreso.", example="15000.00")

    def check(self, node, ctx, name):
        if self.min > self.max:
            ctx.error(
                child(node, "min"),
                "range.reversed",
                f"{name}.min",
                min=str(self.min),
                max=str(self.max),
            )


@dataclass(frozen=True)
class DateWindow:
    opens: date | None = doc("Primo giorno (vuoto = da confermare).", default=None)
    closes: date | None = doc("Ultimo giorno (vuoto = da confermare).", default=None)

    def check(self, node, ctx, name):
        if self.opens and self.closes and self.closes < self.opens:
            ctx.error(
                child(node, "closes"),
                "time.end_before_start",
                f"{name}.closes",
                start=self.opens.isoformat(),
                end=self.closes.isoformat(),
            )


HeatingType = Literal["centralized", "autonomous"]
Band = Literal["accesso", "protezione", "permanenza", "decadenza"]


@dataclass(frozen=True)
class GrantRules:
    isee: Range = doc("Fascia ISEE ammessa, estremi compresi.")
    min_tenancy_months: int = doc("Mesi minimi da assegnatario alla data della domanda.")
    heating_types: tuple[HeatingType, ...] = doc("Tipi di riscaldamento ammessi.")
    bands: tuple[Band, ...] = doc("Fasce SAP ammesse.")
    arrears_need_repayment_plan: bool = doc(
        "true = chi ha morosità è ammesso solo con un piano di rientro."
    )
    max_amount: Decimal = doc("Importo massimo per destinatario, in euro.")
    application_window: DateWindow = doc(
        "Periodo in cui si può fare domanda.", default=DateWindow()
    )


@dataclass(frozen=True)
class HeatingGrant:
    id: Id = doc("Identificativo: contributo-riscaldamento.")
    title: Text = doc("Titolo della pagina.")
    summary: Text = doc("In breve, che cos'è.")
    rules: GrantRules = doc("Le regole: il sito e il modulo usano questi valori.")
    what_to_bring: tuple[Text, ...] = doc("Documenti da portare allo sportello.")
    how_to_apply: Text = doc("Come fare la pre-domanda e poi la domanda.")
    updated: date = doc(UPDATED)
    what_happens_next: Text | None = doc("Cosa succede dopo la pre-domanda.", default=None)
    funding: Text | None = doc("Chi finanzia e con quanto.", default=None)
    desks: tuple[DeskRef, ...] = doc("Sportelli dove chiedere aiuto.", default=())
    easy: str | None = doc(
        "La stessa pagina in italiano semplice: frasi brevi, parole comuni "
        "(Markdown). Diventa una pagina a parte, collegata a questa.",
        default=None,
    )


def _show(moment) -> str:
    return moment.strftime("%Y-%m-%d %H:%M")
