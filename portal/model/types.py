"""The content types. Their annotations are the schema of the YAML files.

A field without a default is required. ``check`` methods hold the rules that
span several fields; they point each problem at the field to fix.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, ClassVar, Literal

from .fields import SLUG, LangCode, Ref, Text, TimeZoneName, child, field_names, suggestion
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

# --- what is still to be confirmed: one list per item -----------------------------------------

# Who can confirm an item: the Comune di Bergamo, the concierge team, or an event's organiser.
Confirmer = Literal["comune", "team", "organizer"]
PATH = re.compile(r"^[a-z_]+(\[[0-9]+\])?(\.[a-z_]+(\[[0-9]+\])?)*$")
PART = re.compile(r"([a-z_]+)(?:\[([0-9]+)\])?")


@dataclass(frozen=True)
class Pending:
    field: str = doc(
        "Il campo da confermare, col nome che ha in questo file: costs, address; una voce di "
        "un elenco con il suo numero, contando da 0: what_to_bring[1]; una parte di un gruppo: "
        "sections[2].body.",
        example="costs",
    )
    by: Confirmer = doc(
        "Chi può confermarlo: comune (il Comune di Bergamo), team (il team del portierato), "
        "organizer (chi organizza l'evento).",
        example="comune",
    )
    note: str | None = doc(
        "Che cosa manca, in breve, per chi conferma: compare in portal pending, non sul sito.",
        default=None,
    )
    _mark: tuple | None = dataclasses.field(default=None, compare=False, repr=False)


TO_CONFIRM = (
    "Che cosa è ancora da confermare, e chi lo conferma: una voce per campo. Il campo può "
    "restare vuoto (la pagina scrive «Da confermare») o avere un valore provvisorio, che la "
    "pagina mostra segnato «Da confermare». Elencati da `portal pending`."
)


def _within(entry: str, path: str) -> bool:
    """``path`` is ``entry`` or a part of it (``what_to_bring[1]`` is within ``what_to_bring``)."""
    return path == entry or path.startswith((entry + ".", entry + "["))


class Confirmable:
    """An item whose ``to_confirm`` list marks fields as not yet confirmed.

    ``CONFIRMABLE`` names the fields the site can show as "to be confirmed" (the renderers
    mark each of them); an item's title or id cannot be, since it names the item itself.
    """

    CONFIRMABLE: ClassVar[tuple[str, ...]] = ()
    to_confirm: tuple[Pending, ...]

    def pending(self, path: str, deeper: bool = True) -> Pending | None:
        """The entry that makes ``path`` to be confirmed: the path itself or a field around it,
        or (``deeper``) a part of it, for a renderer that shows that part inside ``path``."""
        for entry in self.to_confirm:
            if _within(entry.field, path) or (deeper and _within(path, entry.field)):
                return entry
        return None

    def check_to_confirm(self, node, ctx, name):
        if not self.to_confirm:
            return
        entries = child(node, "to_confirm").value
        first: dict[str, int] = {}
        for i, entry in enumerate(self.to_confirm):
            where = f"{name + '.' if name else ''}to_confirm[{i}].field"
            at = child(entries[i], "field")
            problem = _resolve(self, entry.field)
            if problem:
                code, params = problem
                ctx.error(at, code, where, **params)
            elif entry.field in first:
                ctx.error(
                    at, "pending.duplicate", where, path=entry.field, first=first[entry.field]
                )
            first.setdefault(entry.field, at.start_mark.line + 1)


def _resolve(item, path: str):
    """None when ``path`` names a part of ``item`` that may be to be confirmed; else the
    message code and its parameters."""
    if not PATH.match(path):
        return "pending.bad_path", {"value": path}
    value, allowed = item, type(item).CONFIRMABLE
    for n, (name, index) in enumerate(PART.findall(path)):
        names = allowed if n == 0 else tuple(field_names(type(value)))
        if name not in names:
            hint = suggestion(name, names)
            return "pending.unknown_field", {
                "path": path,
                "hint": hint,
                "allowed": ", ".join(names),
            }
        value = getattr(value, name)
        if index:
            if not isinstance(value, tuple):
                return "pending.not_list", {"path": path, "name": name}
            if int(index) >= len(value):
                return "pending.bad_index", {
                    "path": path,
                    "name": name,
                    "count": len(value),
                    "last": len(value) - 1,
                }
            value = value[int(index)]
        if n < path.count(".") and not dataclasses.is_dataclass(value):
            return "pending.unknown_field", {"path": path, "hint": "", "allowed": name}
    return None


def to_confirm_field():
    return doc(TO_CONFIRM, default=())


@dataclass(frozen=True)
class Status:
    state: Literal["active", "planned", "suspended", "closed"] = doc(
        "active, planned (in preparazione), suspended o closed."
    )
    reason: Text | None = doc(
        "Perché è sospeso o chiuso (obbligatorio in quei casi).", default=None
    )

    def check(self, node, ctx, name):
        if self.state in ("suspended", "closed") and self.reason is None:
            ctx.error(node, "status.reason_required", name, state=self.state)


ACTIVE = Status("active")
PLANNED = Status("planned")


@dataclass(frozen=True)
class Address:
    street: str = doc("Via e numero civico.")
    city: str = doc("Comune.", default="Bergamo")
    note: Text | None = doc("Indicazioni utili per arrivare.", default=None)


@dataclass(frozen=True)
class Desk(Confirmable):
    CONFIRMABLE = ("address", "summary", "schedule", "what_to_ask", "roles", "contacts")
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
    to_confirm: tuple[Pending, ...] = to_confirm_field()


@dataclass(frozen=True)
class Role(Confirmable):
    CONFIRMABLE = ("helps_with", "people", "ask_about")

    id: Id = doc("Identificativo breve del ruolo.")
    title: Text = doc("Nome del ruolo.")
    helps_with: Text = doc("In che cosa aiuta i residenti, in parole semplici.")
    updated: date = doc(UPDATED)
    people: int = doc("Quante persone hanno questo ruolo.", default=1)
    ask_about: tuple[Text, ...] = doc("Esempi di domande da fare a questo ruolo.", default=())
    to_confirm: tuple[Pending, ...] = to_confirm_field()


SECTION_FIELDS = ("audience", "how_to", "what_you_need", "what_you_get", "times", "costs")


@dataclass(frozen=True)
class Service(Confirmable):
    CONFIRMABLE = ("summary", "status", *SECTION_FIELDS, "desks", "roles", "contacts")

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
    to_confirm: tuple[Pending, ...] = to_confirm_field()


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
class Course(Confirmable):
    CONFIRMABLE = (
        "summary",
        "how_to_join",
        "audience",
        "sessions",
        "desks",
        "languages",
        "costs",
    )
    id: Id = doc("Identificativo breve del corso.")
    title: Text = doc("Nome del corso.")
    summary: Text = doc("Di che cosa tratta.")
    how_to_join: Text = doc("Come iscriversi.")
    updated: date = doc(UPDATED)
    status: Status | None = doc(
        "Vuoto di solito: il sito scrive «in preparazione» finché le date (sessions) mancano o "
        "sono da confermare, «attivo» quando ci sono. Scrivilo per un corso sospeso o chiuso.",
        default=None,
    )
    audience: Text | None = doc("A chi è rivolto.", default=None)
    when: Text | None = doc("Quando, a parole (se le date non sono ancora fissate).", default=None)
    sessions: tuple[Session, ...] = doc("Incontri con data e ora.", default=())
    desks: tuple[DeskRef, ...] = doc("Dove si svolge.", default=())
    languages: tuple[Lang, ...] = doc("Lingue in cui si svolge.", default=())
    costs: Text | None = doc("Quanto costa.", default=None)
    to_confirm: tuple[Pending, ...] = to_confirm_field()

    def check(self, node, ctx, name):
        if not self.sessions and self.when is None and not self.pending("sessions"):
            ctx.error(node, "course.needs_dates", "sessions")
        if self.status and self.status.state == "active" and not self.dated:
            ctx.error(child(node, "status"), "course.active_without_dates", "status.state")

    @property
    def dated(self) -> bool:
        """Its dates are written and confirmed."""
        return bool(self.sessions) and self.pending("sessions") is None

    @property
    def shown_status(self) -> Status:
        """The status follows from the data unless written: no confirmed dates, no "active"."""
        if self.status:
            return self.status
        return ACTIVE if self.dated else PLANNED


@dataclass(frozen=True)
class Place:
    desk: DeskRef | None = doc("Uno sportello (id), oppure…", default=None)
    address: str | None = doc("…un indirizzo.", default=None)
    note: Text | None = doc("Dove ritrovarsi di preciso.", default=None)

    def check(self, node, ctx, name):
        if self.desk is not None and self.address is not None:
            ctx.error(node, "place.one_of", name)

    @property
    def known(self) -> bool:
        return self.desk is not None or self.address is not None


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
class Event(Confirmable):
    # The date is one entry, start: its end is confirmed with it.
    CONFIRMABLE = ("description", "place", "start", "capacity", "languages")
    id: Id = doc("Identificativo breve dell'evento.")
    title: Text = doc("Titolo.")
    description: Text = doc("Descrizione.")
    updated: date = doc(UPDATED)
    place: Place = doc(
        "Dove: uno sportello o un indirizzo. Vuoto solo se place è in to_confirm.",
        default=Place(),
    )
    start: datetime | None = doc(
        "Inizio, AAAA-MM-GG HH:MM (ora locale). Vuoto solo se start è in to_confirm.",
        default=None,
    )
    end: datetime | None = doc("Fine, AAAA-MM-GG HH:MM (ora locale).", default=None)
    when: Text | None = doc(
        "Periodo indicativo, a parole, quando la data è da confermare.", default=None
    )
    capacity: int | None = doc(
        "Posti disponibili (vuoto = nessun limite; se è da stabilire, mettilo in to_confirm).",
        default=None,
    )
    max_group: int | None = doc(
        f"Quante persone al massimo con una sola iscrizione, da 1 a {MAX_GROUP} (vuoto = "
        f"{DEFAULT_GROUP}; mai più di capacity). Il modulo non accetta gruppi più grandi.",
        default=None,
    )
    languages: tuple[Lang, ...] = doc(
        "Lingue parlate all'evento (vuoto = non indicate: la pagina non ne scrive).", default=()
    )
    signup: SignupWindow | None = doc("Quando ci si può iscrivere online.", default=None)
    timezone: Annotated[str, TimeZoneName] = doc(
        "Fuso orario IANA delle date.", default=LOCAL_TIMEZONE
    )
    to_confirm: tuple[Pending, ...] = to_confirm_field()

    @property
    def date_to_be_confirmed(self) -> bool:
        """The date (start, with its end) is in to_confirm, or not written."""
        return self.pending("start") is not None or self.start is None

    def check(self, node, ctx, name):
        if not self.pending("start"):
            for key in ("start", "end"):
                if getattr(self, key) is None:
                    ctx.error(node, "event.needs_dates", key, key=key)
        if not self.place.known and not self.pending("place"):
            ctx.error(node, "event.needs_place", "place")
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
    generated: Literal["data_retention", "online_forms"] | None = doc(
        "Al posto di body: testo scritto dal sito a partire dai dati (data_retention = i tempi "
        "di conservazione di site_config/forms.yml; online_forms = per ogni modulo online, "
        "aperto o chiuso, i dati che chiede, perché, la base giuridica, chi li vede e per "
        "quanto tempo, da site_config/forms.yml).",
        default=None,
    )

    def check(self, node, ctx, name):
        if (self.body is None) == (self.generated is None):
            ctx.error(node, "section.body_or_generated", name)


@dataclass(frozen=True)
class Page(Confirmable):
    CONFIRMABLE = ("summary", "sections", "contacts")
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
    contacts: tuple[ContactRef, ...] = doc(
        "Contatti (da site_config/contacts.yml): la pagina li elenca in fondo, sotto «Contatti», "
        "e un contatto non ancora comunicato vi compare «non ancora disponibile».",
        default=(),
    )
    to_confirm: tuple[Pending, ...] = to_confirm_field()


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
class HeatingGrant(Confirmable):
    CONFIRMABLE = (
        "summary",
        "rules",
        "what_to_bring",
        "how_to_apply",
        "what_happens_next",
        "times",
        "season",
        "elsewhere",
        "funding",
        "desks",
    )
    id: Id = doc("Identificativo: contributo-riscaldamento.")
    title: Text = doc("Titolo della pagina.")
    summary: Text = doc("In breve, che cos'è.")
    rules: GrantRules = doc("Le regole: il sito e il modulo usano questi valori.")
    what_to_bring: tuple[Text, ...] = doc("Documenti da portare allo sportello.")
    how_to_apply: Text = doc("Come fare la pre-domanda e poi la domanda.")
    updated: date = doc(UPDATED)
    what_happens_next: Text | None = doc("Cosa succede dopo la pre-domanda.", default=None)
    times: Text | None = doc(
        "Quanto tempo ci vuole, dalla pre-domanda alla risposta e al pagamento. Finché non è "
        "noto, lascialo vuoto e mettilo in to_confirm: la pagina scrive «Da confermare».",
        default=None,
    )
    funding: Text | None = doc("Chi finanzia e con quanto.", default=None)
    desks: tuple[DeskRef, ...] = doc("Sportelli dove chiedere aiuto.", default=())
    season: Text | None = doc(
        "Quando è acceso il riscaldamento a Bergamo (la stagione, non le date della domanda): "
        "la pagina e l'inizio del modulo lo mostrano.",
        default=None,
    )
    elsewhere: Text | None = doc(
        "Dove altro rivolgersi se il contributo non fa per te (solo fatti con una fonte: "
        "niente link, telefoni o indirizzi inventati).",
        default=None,
    )
    easy: str | None = doc(
        "La stessa pagina in italiano semplice: frasi brevi, parole comuni "
        "(Markdown). Diventa una pagina a parte, collegata a questa.",
        default=None,
    )
    to_confirm: tuple[Pending, ...] = to_confirm_field()


def _show(moment) -> str:
    return moment.strftime("%Y-%m-%d %H:%M")
