"""Who does what: role statements ("Le technicien vérifie…") and roles/responsibilities tables.

A role is a determiner, a short noun phrase naming a person or a team, then an action verb.
Telling people from things ("Le registre doit…") uses a small lexicon of roles and the endings
of agent nouns (technicien, opérateur, gestionnaire…), minus a list of common things.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .sentences import normalise, view

# Third person singular → plural; questions ("qui …?") take the singular.
_VERBS = {
    "doit": "doivent", "devra": "devront", "valide": "valident", "vérifie": "vérifient",
    "signe": "signent", "assure": "assurent", "s'assure": "s'assurent", "rédige": "rédigent",
    "approuve": "approuvent", "contrôle": "contrôlent", "transmet": "transmettent",
    "informe": "informent", "déclare": "déclarent", "réalise": "réalisent",
    "organise": "organisent", "pilote": "pilotent", "prépare": "préparent",
    "enregistre": "enregistrent", "archive": "archivent", "met": "mettent", "tient": "tiennent",
    "décide": "décident", "autorise": "autorisent", "coordonne": "coordonnent",
    "supervise": "supervisent", "définit": "définissent", "veille": "veillent",
    "garantit": "garantissent", "analyse": "analysent", "traite": "traitent",
    "communique": "communiquent", "alerte": "alertent", "nettoie": "nettoient",
    "libère": "libèrent", "qualifie": "qualifient", "isole": "isolent", "gère": "gèrent",
    "planifie": "planifient", "convoque": "convoquent", "consigne": "consignent",
    "évalue": "évaluent", "diffuse": "diffusent", "renseigne": "renseignent",
    "saisit": "saisissent", "désigne": "désignent", "examine": "examinent",
    "notifie": "notifient", "anime": "animent", "forme": "forment", "fournit": "fournissent",
    "accompagne": "accompagnent", "collecte": "collectent", "émet": "émettent",
    "clôture": "clôturent", "audite": "auditent", "arbitre": "arbitrent",
    "est responsable": "sont responsables", "est chargé": "sont chargés",
    "est chargée": "sont chargées", "a la charge": "ont la charge",
    "prend en charge": "prennent en charge", "prononce": "prononcent", "recense": "recensent",
    "attribue": "attribuent", "consulte": "consultent", "procède": "procèdent",
    "remet": "remettent", "applique": "appliquent", "exécute": "exécutent",
    "signale": "signalent", "respecte": "respectent", "effectue": "effectuent",
    "produit": "produisent", "établit": "établissent", "tranche": "tranchent",
    "désactive": "désactivent", "active": "activent", "conserve": "conservent",
    "reçoit": "reçoivent", "envoie": "envoient", "mesure": "mesurent", "relève": "relèvent",
}  # fmt: skip
_SINGULAR = {plural: singular for singular, plural in _VERBS.items()}
_VERB = "|".join(sorted((re.escape(v) for v in [*_VERBS, *_SINGULAR]), key=len, reverse=True))
_NP_WORD = r"(?!ne\s|n')[\w'-]+"  # a negation ends the subject: "Le chef ne signe pas"
_NP = rf"{_NP_WORD}(?:\s{_NP_WORD}){{0,3}}?"
# The future a procedure also writes its duties in: "effectuera", "diagnostiquera", "établira".
_FUTURE = (
    r"(?!(?:sera|aura|devra|pourra|dépendra|faudra|vaudra|conviendra)(?:nt)?\b)"
    r"\w{3,}(?:era|ira|dra)(?:nt)?"
)
_STATEMENT = re.compile(
    rf"^(?P<role>(?:le\s|la\s|les\s|l')\s?{_NP})\s+(?P<action>(?P<verb>{_VERB}|{_FUTURE})\b.*)$",
    re.I,
)
# "SAVE IT assure…", "La DSI valide…": a name in capitals needs no determiner.
_ACRONYM_STATEMENT = re.compile(
    rf"^(?P<role>[A-ZÀ-Ö][A-Z0-9À-Ö&-]+(?:\s[A-Z0-9À-Ö&-]{{2,}}){{0,3}})\s+(?P<action>(?P<verb>{_VERB})\b.*)$"
)
# "Client : responsable du contenu…", "Responsable de maintenance : supervise…"
_COLON = re.compile(r"^(?P<role>[^:;,.]{2,60}?)\s*:\s+(?P<action>\S.*)$")
_COLON_DUTY = re.compile(
    rf"^(?:(?P<verb>{_VERB})\b|(?P<responsible>responsables?|chargée?s?)\s+(?:de|d'|du|des)\b)",
    re.I,
)
_NEGATIVE = re.compile(rf"^(?P<role>(?:le\s|la\s|les\s|l')\s?{_NP})\s+(?:ne\s|n')", re.I)
_LEADING_CLAUSE = re.compile(r"^[^,]{3,60},\s+(?=(?:le|la|les|l')\b|(?-i:[A-ZÀ-Ö]{2,}\b))", re.I)
# "La responsabilité de la conformité incombe au client."
_INCUMBENT = re.compile(
    r"^la responsabilité (?P<duty>(?:de|du|des|d').+?) (?:incombe|revient) "
    r"(?P<det>au |aux |à la |à l'|à )(?P<role>[^,;]+?)[.;!]?$",
    re.I,
)
_DETERMINER = re.compile(r"^(?:les\s|le\s|la\s|l')\s*", re.I)

_ROLE_WORDS = {
    "responsable", "chef", "cheffe", "direction", "client", "cliente", "service", "équipe",
    "comité", "pilote", "agent", "salarié", "salariée", "consultant", "consultante", "manager",
    "référent", "référente", "médecin", "personnel", "encadrement", "hiérarchie", "cadre",
    "expert", "experte", "employé", "employée", "métier", "bureau", "cellule", "département",
    "secrétariat", "laboratoire", "prestataire", "stagiaire", "titulaire", "gestionnaire",
    "secrétaire", "propriétaire", "commercial", "commerciale", "interlocuteur",
}  # fmt: skip
_AGENT_ENDINGS = (
    "eur", "euse", "rice", "ien", "ienne", "iste", "ant", "ante", "aire", "ier", "ière",
    "ent", "ente", "eure",
)  # fmt: skip
_THINGS = {
    "dossier", "fichier", "papier", "cahier", "calendrier", "courrier", "chantier", "capteur",
    "compteur", "moteur", "indicateur", "extincteur", "détecteur", "ordinateur", "serveur",
    "formulaire", "inventaire", "commentaire", "questionnaire", "montant", "incident",
    "accident", "contenu", "support", "avenant", "document", "présent", "volant", "élément",
    "registre", "lot", "procédure", "résultat", "produit", "délai", "plan", "site", "rapport",
    "système", "logiciel", "processus", "projet", "contrôle", "audit", "échantillon", "pdf",
}  # fmt: skip


@dataclass(frozen=True)
class RoleStatement:
    role: str  # as written, capitalised: "Le responsable qualité"
    action: str  # from the verb on, singular, without the final dot: "valide chaque déviation"
    sentence: str


def role_key(name: str) -> str:
    """Comparison key: "Le responsable qualité", "Responsable qualité" and "Les responsables
    qualité" are one role."""
    words = _DETERMINER.sub("", normalise(name)).strip(" .:").split()
    return " ".join(w[:-1] if len(w) > 3 and w[-1] in "sx" else w for w in words)


def without_determiner(name: str) -> str:
    match = _DETERMINER.match(view(name))
    return name[match.end() :] if match else name


def has_determiner(name: str) -> bool:
    return bool(_DETERMINER.match(view(name)))


def is_person(name: str) -> bool:
    words = role_key(name).replace("'", " ").split()
    if not words:
        return False
    head = words[0]
    original = _DETERMINER.sub("", view(name).strip()).split()
    if original and original[0].isupper() and 2 <= len(original[0]) <= 6:
        return head not in _THINGS  # an acronym: "Le RQ", "La DSI"
    if head in _THINGS or head.endswith("ment"):
        return False
    return head in _ROLE_WORDS or head.endswith(_AGENT_ENDINGS)


def capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def _subject_span(sentence: str) -> int:
    """Where the subject starts: after a short leading clause ("Chaque semaine, le …")."""
    match = _LEADING_CLAUSE.match(view(sentence))
    return match.end() if match else 0


def _colon_statement(sentence: str) -> RoleStatement | None:
    original = sentence.strip().replace("**", "").replace("__", "")
    match = _COLON.match(view(original))
    if match is None:
        return None
    role = original[: match.end("role")].strip()
    action = original[match.start("action") :].rstrip(" .;:!")
    duty = _COLON_DUTY.match(view(action))
    if duty is None or len(role.split()) > 5 or not (is_person(role) or _named(role)):
        return None
    if duty.group("responsible"):
        action = "est " + _lowered_first(action)
        action = re.sub(r"^est responsables\b", "est responsable", action)
    else:
        verb = duty.group("verb")
        singular = _SINGULAR.get(verb.lower(), verb)
        action = _lowered_first(singular) + action[len(verb) :]
    return RoleStatement(capitalised(role), action, sentence)


def _named(role: str) -> bool:
    """ "SAVE IT", "Client", "Direction Qualité": a capitalised name with no verb in it."""
    words = view(role).split()
    return bool(words) and words[0][:1].isupper() and len(words) <= 4


def _lowered_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def role_statement(sentence: str) -> RoleStatement | None:
    if (colon := _colon_statement(sentence)) is not None:
        return colon
    if (incumbent := _INCUMBENT.match(view(sentence.strip()))) is not None:
        article = {"au ": "Le ", "aux ": "Les ", "à la ": "La ", "à l'": "L'"}.get(
            incumbent.group("det").lower(), ""
        )
        role = article + sentence.strip()[incumbent.start("role") : incumbent.end("role")]
        duty = sentence.strip()[incumbent.start("duty") : incumbent.end("duty")]
        if is_person(role) or _named(role):
            return RoleStatement(capitalised(role), f"est responsable {duty}", sentence)
    start = _subject_span(sentence)
    original = sentence[start:].strip()
    match = _STATEMENT.match(view(original)) or _ACRONYM_STATEMENT.match(view(original))
    if match is None:
        return None
    action = original[match.start("action") :].rstrip(" .;:!")
    if re.match(r"(?:doit|doivent|devra|devront)\s+être\b", view(action), re.I):
        return None  # a passive sentence: its subject is a thing, not a role
    role = original[: match.end("role")].strip()
    if not is_person(role):
        return None
    verb = match.group("verb")
    singular = _SINGULAR.get(verb.lower())
    if singular is not None:  # "qui valident …" reads wrong: "qui valide …"
        action = singular + action[len(verb) :]
    return RoleStatement(capitalised(role), action, sentence)


_EMPHASIS = re.compile(r"\*\*|__")
# "Signalement : Les clients doivent…": a label before the sentence, not part of it.
_LABEL = re.compile(r"^[^:;.]{2,40}?\s:\s+(?=[A-ZÀ-Ö])")


def unlabelled(sentence: str) -> str:
    """The sentence without Markdown emphasis nor a leading label (unless the label is a role:
    "Client : responsable de…")."""
    sentence = _EMPHASIS.sub("", sentence).strip()
    match = _LABEL.match(view(sentence))
    if match is None or role_statement(sentence) is not None:
        return sentence
    return sentence[match.end() :]


def negative_subject(sentence: str) -> str | None:
    """ "L'opérateur ne modifie pas…" names a role too: a distractor for who-does-what."""
    original = sentence[_subject_span(sentence) :].strip()
    match = _NEGATIVE.match(view(original))
    if match is None:
        return None
    role = original[: match.end("role")].strip()
    return capitalised(role) if is_person(role) else None


_ROLE_HEADER = re.compile(
    r"^(?:rôles?|fonctions?|acteurs?|intervenants?|qui|responsables?|postes?|pilotes?"
    r"|porteurs?|titulaires?)\b",
    re.I,
)
_DUTY_HEADER = re.compile(
    r"^(?:responsabilités?|missions?|tâches?|activités?|actions?|étapes?|attributions?"
    r"|rôles?|quoi|description)\b",
    re.I,
)
_SEVERAL = re.compile(r"/|,|\+|&|\bet\b|\bou\b", re.I)


@dataclass(frozen=True)
class TableDuty:
    role: str
    duty: str
    step: bool  # the duty is a step of a process ("Étape" column), not a responsibility


def table_duties(rows: list[list[str]]) -> list[TableDuty]:
    """Rows of a table whose header names a role column and a duty column."""
    if len(rows) < 2:
        return []
    header = [view(cell).strip() for cell in rows[0]]
    role_col = next((i for i, cell in enumerate(header) if _ROLE_HEADER.match(cell)), None)
    duty_col = next(
        (i for i, c in enumerate(header) if i != role_col and _DUTY_HEADER.match(c)), None
    )
    if role_col is None or duty_col is None:
        return []
    step = header[duty_col].lower().startswith("étape")
    duties: list[TableDuty] = []
    for row in rows[1:]:
        if max(role_col, duty_col) >= len(row):
            continue
        role = " ".join(row[role_col].split())
        if not role or _SEVERAL.search(view(role)):
            continue  # a shared duty has no single right answer
        for line in row[duty_col].splitlines():
            duty = line.strip().rstrip(" .;")
            if len(duty) >= 3:
                duties.append(TableDuty(role, duty, step))
    return duties
