"""Login, sign-up, activation, password reset and magic-link pages."""

from __future__ import annotations

import reflex as rx

from mystage.components import theme
from mystage.components.browser import document_load
from mystage.components.forms import (
    card,
    checkbox_field,
    field,
    field_error,
    field_label,
    notice,
    page_title,
    primary_button,
)
from mystage.components.layout import page
from mystage.components.school_picker import school_picker
from mystage.models import LEVEL_LABELS, ROLE_LABELS, PupilLevel
from mystage.state.auth import (
    CLASS_NOT_LISTED,
    MINISTRY_OPTIONS,
    SIGNUP_ROLES,
    ActivationState,
    LoginState,
    MagicLinkState,
    NewPasswordState,
    ResetState,
    SignupState,
)
from mystage.state.navigation import NavigationState

PASSWORD_HINT = (
    "12 caractères au minimum. Une phrase de quelques mots facile à retenir convient très "
    "bien ; évitez les suites du clavier (azerty…), les mots de passe courants et votre nom."
)


def name_fields(errors, values) -> tuple:
    """First and last name (sign-up forms keeping ``values`` and ``errors`` dicts)."""
    return (
        field(
            "Prénom",
            "first_name",
            error=errors.get("first_name", ""),
            default=values.get("first_name", ""),
            autocomplete="given-name",
            required=True,
        ),
        field(
            "Nom",
            "last_name",
            error=errors.get("last_name", ""),
            default=values.get("last_name", ""),
            autocomplete="family-name",
            required=True,
        ),
    )


def new_password_fields(errors, label: str = "Nouveau mot de passe") -> tuple:
    """The new password and its confirmation (sign-up and both reset paths)."""
    return (
        field(
            label,
            "password",
            error=errors.get("password", ""),
            type="password",
            autocomplete="new-password",
            hint=PASSWORD_HINT,
            required=True,
        ),
        field(
            "Confirmez le mot de passe",
            "password2",
            error=errors.get("password2", ""),
            type="password",
            autocomplete="new-password",
            required=True,
        ),
    )


def _link(text: str, href: str, **props) -> rx.Component:
    return rx.link(text, href=href, color=theme.BLUE, text_decoration="underline", **props)


@page("/connexion", "Se connecter", on_load=LoginState.load, narrow=True)
def login_page() -> rx.Component:
    return card(
        page_title("Se connecter"),
        document_load(NavigationState.document_url),  # opens the session after login
        rx.cond(LoginState.info != "", notice(LoginState.info, "info")),
        rx.form(
            field(
                "Adresse électronique ou téléphone portable",
                "identifier",
                default=LoginState.identifier,
                autocomplete="username",
                hint="Par exemple : prenom.nom@exemple.fr ou 06 12 34 56 78",
                required=True,
            ),
            field(
                "Mot de passe",
                "password",
                type="password",
                autocomplete="current-password",
                required=True,
            ),
            rx.cond(LoginState.error != "", notice(LoginState.error, "error", id="login-error")),
            rx.cond(
                LoginState.not_activated,
                _link("Recevoir à nouveau le lien d'activation", "/activation/renvoyer"),
            ),
            primary_button("Se connecter", type="submit", id="login-submit", margin_top="0.5rem"),
            on_submit=LoginState.submit,
            id="login-form",
        ),
        rx.vstack(
            _link("Mot de passe oublié ?", "/mot-de-passe/oublie"),
            _link("Recevoir un lien de connexion par courriel", "/connexion/lien"),
            rx.hstack(
                rx.text("Pas encore de compte ?"),
                _link("Créer un compte", "/inscription"),
                spacing="2",
                wrap="wrap",
            ),
            spacing="2",
            margin_top="1.5rem",
        ),
    )


_SELECT_STYLE = theme.SELECT


def _error_text(key: str, input_id: str) -> rx.Component:
    return field_error(SignupState.errors.get(key, ""), input_id)


def _hint(text: str) -> rx.Component:
    return rx.text(text, font_size="0.8rem", color="#666", margin_bottom="0.25rem")


def _level_field() -> rx.Component:
    return rx.box(
        field_label("Ton niveau", "signup-level", required=True),
        rx.el.select(
            rx.el.option("Choisis ton niveau", value=""),
            *[rx.el.option(LEVEL_LABELS[lv], value=lv.value) for lv in PupilLevel],
            id="signup-level",
            name="level",
            default_value=SignupState.values.get("level", ""),
            aria_describedby="signup-level-err",
            style=_SELECT_STYLE,
        ),
        _error_text("level", "signup-level"),
        margin_bottom="1rem",
    )


def _class_field() -> rx.Component:
    S = SignupState
    return rx.cond(
        S.has_classes,
        rx.box(
            field_label("Ta classe", "signup-class", required=True),
            rx.el.select(
                rx.el.option("Choisis ta classe", value=""),
                rx.foreach(S.school_classes, lambda c: rx.el.option(c["name"], value=c["id"])),
                rx.el.option("Ma classe n'est pas dans la liste", value=CLASS_NOT_LISTED),
                id="signup-class",
                name="class_id",
                default_value=S.values.get("class_id", ""),
                aria_describedby="signup-class-err",
                style=_SELECT_STYLE,
            ),
            _error_text("class_id", "signup-class"),
            margin_bottom="1rem",
        ),
        rx.box(
            rx.text(
                "Ton établissement n'a pas encore créé ses classes sur MyStage : "
                "tu pourras choisir la tienne plus tard.",
                id="signup-class-none",
                font_size="0.9rem",
            ),
            _error_text("class_id", "signup-class"),
            margin_bottom="1rem",
        ),
    )


def _pupil_school_fields() -> rx.Component:
    S = SignupState
    return rx.fragment(
        notice(
            "Après ton inscription, ton collège enregistre l'autorisation de tes parents : "
            "tu pourras alors postuler aux offres de stage.",
            "info",
        ),
        _level_field(),
        school_picker(
            S,
            label="Ton établissement",
            hint="Tape au moins 2 lettres : nom, ville ou code UAI, puis choisis dans la liste.",
            placeholder="ex. : Henri Dunant Meaux",
            none_text="Aucun établissement trouvé. Essaie avec le nom de ta ville ou le code UAI.",
            error_key="school",
        ),
        rx.cond(S.school_id != "", _class_field()),
    )


def _referent_select(
    label: str, name: str, input_id: str, options, placeholder: str
) -> rx.Component:
    """A référent's territory: « Département » or « Académie » (lists loaded with the role)."""
    S = SignupState
    return rx.box(
        field_label(label, input_id, required=True),
        rx.el.select(
            rx.el.option(placeholder, value=""),
            rx.foreach(options, lambda o: rx.el.option(o["label"], value=o["value"])),
            id=input_id,
            name=name,
            default_value=S.values.get(name, ""),
            aria_describedby=f"{input_id}-err",
            aria_invalid=rx.cond(S.errors.get(name, "") != "", "true", "false"),
            style=_SELECT_STYLE,
        ),
        _error_text(name, input_id),
        margin_bottom="1rem",
    )


def _ministry_select() -> rx.Component:
    """Référent central: « Ministère (facultatif) »; empty = the offers of every ministry
    and of private employers."""
    S = SignupState
    input_id = "signup-ministry"
    return rx.box(
        field_label("Ministère (facultatif)", input_id),
        _hint(
            "Choisissez votre ministère pour ne voir que ses offres (dans toute la France) ; "
            "laissez « Tous » pour voir toutes les offres."
        ),
        rx.el.select(
            rx.el.option("Tous (toutes les offres)", value=""),
            *[rx.el.option(label, value=slug) for slug, label in MINISTRY_OPTIONS],
            id=input_id,
            name="ministry",
            default_value=S.values.get("ministry", ""),
            aria_describedby=f"{input_id}-err",
            aria_invalid=rx.cond(S.errors.get("ministry", "") != "", "true", "false"),
            style=_SELECT_STYLE,
        ),
        _error_text("ministry", input_id),
        margin_bottom="1rem",
    )


def _referent_fields() -> rx.Component:
    """Référent départemental, académique or central: territory and function."""
    S = SignupState
    job_error = S.errors.get("job_title", "")
    job_default = S.values.get("job_title", "")
    return rx.fragment(
        notice(
            "Le compte de référent donne accès aux statistiques et aux exports de votre "
            "territoire. Après la confirmation de votre adresse électronique, l'équipe "
            "MyStage vérifie votre demande et vous prévient par courriel dès que votre "
            "compte est validé.",
            "info",
            id="signup-referent-info",
        ),
        rx.match(
            S.role,
            (
                "referent_departemental",
                _referent_select(
                    "Département",
                    "department_code",
                    "signup-department",
                    S.departments,
                    "Choisissez votre département",
                ),
            ),
            (
                "referent_academique",
                _referent_select(
                    "Académie",
                    "academy",
                    "signup-academy",
                    S.academies,
                    "Choisissez votre académie",
                ),
            ),
            ("referent_central", _ministry_select()),
            rx.fragment(),
        ),
        rx.cond(
            S.role == "referent_central",
            field(
                "Fonction (facultatif)",
                "job_title",
                error=job_error,
                default=job_default,
                hint="Par exemple : chargé(e) de mission, bureau de l'orientation (DGESCO)…",
                autocomplete="organization-title",
                input_id="signup-job-title",
            ),
            field(
                "Fonction (facultatif)",
                "job_title",
                error=job_error,
                default=job_default,
                hint="Par exemple : IEN-IO, chargé(e) de mission école-entreprise…",
                autocomplete="organization-title",
                input_id="signup-job-title",
            ),
        ),
    )


def _gender_field() -> rx.Component:
    options = [("f", "Fille"), ("m", "Garçon"), ("np", "Je ne souhaite pas répondre")]
    current = SignupState.values.get("gender", "")
    return rx.el.fieldset(
        rx.el.legend("Genre (facultatif)", font_weight="600", margin_bottom="0.25rem"),
        rx.flex(
            *[
                rx.hstack(
                    rx.el.input(
                        type="radio",
                        id=f"signup-gender-{val}",
                        name="gender",
                        value=val,
                        default_checked=current == val,
                        style={"width": "1.1rem", "height": "1.1rem", "flex_shrink": "0"},
                    ),
                    rx.el.label(lbl, html_for=f"signup-gender-{val}"),
                    spacing="2",
                    align="center",
                )
                for val, lbl in options
            ],
            direction="column",
            gap="0.4rem",
        ),
        _error_text("gender", "signup-gender"),
        border="none",
        padding="0",
        margin="0 0 1rem 0",
    )


def _pupil_identity_fields() -> rx.Component:
    return rx.fragment(
        rx.box(
            field_label("Ta date de naissance", "signup-birth-date", required=True),
            _hint("Elle figurera sur ta convention de stage."),
            rx.input(
                id="signup-birth-date",
                name="birth_date",
                type="date",
                default_value=SignupState.values.get("birth_date", ""),
                auto_complete="bday",
                size="3",
                width="100%",
                aria_describedby="signup-birth-date-err",
                color_scheme=rx.cond(
                    SignupState.errors.get("birth_date", "") != "", "red", "indigo"
                ),
            ),
            _error_text("birth_date", "signup-birth-date"),
            margin_bottom="1rem",
        ),
        _gender_field(),
    )


def _signup_form() -> rx.Component:
    S = SignupState
    return rx.form(
        rx.box(
            rx.el.label("Vous êtes", html_for="f-role", font_weight="600", display="block"),
            rx.el.select(
                rx.el.option("Choisissez votre profil", value=""),
                *[rx.el.option(ROLE_LABELS[r], value=r.value) for r in SIGNUP_ROLES],
                id="f-role",
                name="role",
                # Controlled: ?role=eleve (read on load) shows the pupil fields at once.
                value=S.role,
                on_change=S.set_role,
                aria_describedby="f-role-err",
                style=_SELECT_STYLE,
            ),
            rx.cond(
                S.errors.get("role", "") != "",
                rx.text(S.errors.get("role", ""), color=theme.ERROR, role="alert", id="f-role-err"),
            ),
            margin_bottom="1rem",
        ),
        rx.cond(S.is_pupil, _pupil_school_fields()),
        rx.cond(S.is_referent, _referent_fields()),
        *name_fields(S.errors, S.values),
        rx.cond(S.is_pupil, _pupil_identity_fields()),
        rx.text(
            rx.cond(
                S.is_pupil,
                "Indique une adresse électronique, un téléphone portable, ou les deux.",
                rx.cond(
                    S.is_referent,
                    "Indiquez votre adresse électronique professionnelle (obligatoire) ; "
                    "le téléphone portable est facultatif.",
                    "Indiquez une adresse électronique, un téléphone portable, ou les deux.",
                ),
            ),
            font_size="0.9rem",
            margin_bottom="0.5rem",
        ),
        field(
            "Adresse électronique",
            "email",
            error=S.errors.get("email", ""),
            default=S.values.get("email", ""),
            type="email",
            autocomplete="email",
        ),
        field(
            "Téléphone portable",
            "phone",
            error=S.errors.get("phone", ""),
            default=S.values.get("phone", ""),
            type="tel",
            autocomplete="tel",
            hint="Sans adresse électronique, un code de confirmation est envoyé par SMS.",
        ),
        *new_password_fields(S.errors, "Mot de passe"),
        checkbox_field(
            "J'accepte les conditions d'utilisation et j'ai lu la politique de données "
            "personnelles.",
            "accept_terms",
            error=S.errors.get("accept_terms", ""),
        ),
        rx.cond(
            S.errors.get("form", "") != "",
            notice(S.errors.get("form", ""), "error"),
        ),
        rx.cond(
            S.errors.length() > 0,
            notice(
                "Certaines informations sont à corriger : voir les messages en rouge ci-dessus.",
                "error",
                id="signup-errors",
            ),
        ),
        primary_button("Créer mon compte", type="submit", id="signup-submit"),
        on_submit=S.submit,
        id="signup-form",
    )


def _phone_code_form() -> rx.Component:
    return rx.box(
        notice(
            rx.text(
                "Un SMS vient d'être envoyé au ",
                SignupState.sent_to,
                " : saisissez le code à 6 chiffres qu'il contient.",
            ),
            "info",
        ),
        rx.form(
            field(
                "Code reçu par SMS",
                "code",
                error=SignupState.code_error,
                autocomplete="one-time-code",
                input_mode="numeric",
                required=True,
            ),
            primary_button("Valider le code", type="submit", id="code-submit"),
            on_submit=SignupState.submit_code,
            id="code-form",
        ),
    )


@page("/inscription", "Créer un compte", on_load=SignupState.load, narrow=True)
def signup_page() -> rx.Component:
    return card(
        page_title("Créer un compte"),
        document_load(NavigationState.document_url),  # opens the session after login
        notice(
            rx.text(
                "Vous représentez une entreprise, une association ou une administration ? ",
                _link("Créer un compte employeur", "/inscription/employeur"),
            ),
            "info",
        ),
        notice(
            rx.text(
                "Vous travaillez dans un collège ou un lycée (chef d'établissement, "
                "professeur, CPE…) ? ",
                _link(
                    "Créer un compte établissement",
                    "/inscription/etablissement",
                    id="signup-school-link",
                ),
            ),
            "info",
        ),
        rx.match(
            SignupState.step,
            (
                "check_mail",
                notice(
                    rx.cond(
                        SignupState.is_pupil,
                        rx.text(
                            "Vérifie ta boîte aux lettres : un message vient d'être envoyé à ",
                            rx.text.strong(SignupState.sent_to),
                            ". Ouvre le lien qu'il contient pour activer ton compte (il est "
                            "valable 48 h). Pense à regarder dans les courriers indésirables.",
                        ),
                        rx.text(
                            "Vérifiez votre boîte aux lettres : un message vient d'être envoyé à ",
                            rx.text.strong(SignupState.sent_to),
                            ". Ouvrez le lien qu'il contient pour activer votre compte (il est "
                            "valable 48 h). Pensez à regarder dans les courriers indésirables.",
                            rx.cond(
                                SignupState.is_referent,
                                " L'équipe MyStage validera ensuite votre compte de référent : "
                                "vous recevrez un courriel dès que ce sera fait.",
                                "",
                            ),
                        ),
                    ),
                    "success",
                    id="signup-done",
                ),
            ),
            ("phone_code", _phone_code_form()),
            _signup_form(),
        ),
        rx.hstack(
            rx.text("Déjà un compte ?"),
            _link("Se connecter", "/connexion"),
            spacing="2",
            margin_top="1.5rem",
        ),
    )


@page("/activation", "Activation du compte", on_load=ActivationState.load, narrow=True)
def activation_page() -> rx.Component:
    return card(
        page_title("Activation du compte"),
        rx.cond(
            ActivationState.done,
            rx.cond(
                ActivationState.pending,
                notice(
                    "Votre adresse électronique est confirmée. Votre compte doit maintenant être "
                    "validé par l'équipe MyStage : vous recevrez un courriel dès qu'il le sera, "
                    "et vous pourrez alors vous connecter.",
                    "success",
                    id="activation-pending",
                ),
                rx.box(
                    notice(
                        "Votre compte est activé. Vous pouvez vous connecter.",
                        "success",
                        id="activation-ok",
                    ),
                    rx.link(primary_button("Se connecter"), href=ActivationState.login_url),
                ),
            ),
            rx.box(
                notice(ActivationState.error, "error", id="activation-error"),
                _resend_form(),
            ),
        ),
    )


def _resend_form() -> rx.Component:
    return rx.cond(
        ActivationState.resent,
        notice(
            "Si un compte non activé existe pour cet identifiant, un nouveau lien vient d'être "
            "envoyé.",
            "info",
        ),
        rx.form(
            field("Adresse électronique ou téléphone portable", "identifier", required=True),
            primary_button("Recevoir un nouveau lien", type="submit"),
            on_submit=ActivationState.resend,
        ),
    )


@page("/activation/renvoyer", "Recevoir un nouveau lien d'activation", narrow=True)
def resend_activation_page() -> rx.Component:
    return card(page_title("Recevoir un nouveau lien d'activation"), _resend_form())


@page("/mot-de-passe/oublie", "Mot de passe oublié", on_load=ResetState.load, narrow=True)
def forgot_page() -> rx.Component:
    return card(
        page_title("Mot de passe oublié"),
        rx.match(
            ResetState.step,
            (
                "sent",
                notice(
                    "Si un compte existe pour cette adresse, un lien pour choisir un nouveau mot "
                    "de passe vient d'être envoyé. Il est valable 1 heure.",
                    "success",
                    id="reset-sent",
                ),
            ),
            (
                "code",
                rx.box(
                    notice(
                        "Si un compte existe pour ce numéro, un code à 6 chiffres vient d'être "
                        "envoyé par SMS. Il est valable 15 minutes.",
                        "info",
                    ),
                    rx.form(
                        field(
                            "Code reçu par SMS",
                            "code",
                            error=ResetState.errors.get("code", ""),
                            autocomplete="one-time-code",
                            input_mode="numeric",
                            required=True,
                        ),
                        *new_password_fields(ResetState.errors, "Nouveau mot de passe"),
                        primary_button("Changer le mot de passe", type="submit", id="reset-code"),
                        on_submit=ResetState.submit_code,
                    ),
                ),
            ),
            (
                "done",
                rx.box(
                    notice("Votre mot de passe est changé.", "success", id="reset-done"),
                    rx.link(primary_button("Se connecter"), href="/connexion"),
                ),
            ),
            rx.form(
                rx.text(
                    "Indiquez l'adresse électronique ou le téléphone portable de votre compte.",
                    margin_bottom="1rem",
                ),
                field(
                    "Adresse électronique ou téléphone portable",
                    "identifier",
                    error=ResetState.errors.get("identifier", ""),
                    default=ResetState.identifier,
                    autocomplete="username",
                    required=True,
                ),
                primary_button("Continuer", type="submit", id="reset-submit"),
                on_submit=ResetState.request,
            ),
        ),
    )


@page("/mot-de-passe/nouveau", "Nouveau mot de passe", on_load=NewPasswordState.load, narrow=True)
def new_password_page() -> rx.Component:
    return card(
        page_title("Choisir un nouveau mot de passe"),
        rx.cond(
            NewPasswordState.done,
            rx.box(
                notice("Votre mot de passe est changé.", "success", id="newpw-done"),
                rx.link(primary_button("Se connecter"), href="/connexion"),
            ),
            rx.form(
                rx.cond(
                    NewPasswordState.errors.get("token", "") != "",
                    rx.box(
                        notice(NewPasswordState.errors.get("token", ""), "error", id="newpw-token"),
                        _link("Refaire une demande", "/mot-de-passe/oublie"),
                        margin_bottom="1rem",
                    ),
                ),
                *new_password_fields(NewPasswordState.errors, "Nouveau mot de passe"),
                primary_button("Enregistrer", type="submit", id="newpw-submit"),
                on_submit=NewPasswordState.submit,
            ),
        ),
    )


@page("/connexion/lien", "Lien de connexion", on_load=MagicLinkState.load, narrow=True)
def magic_link_page() -> rx.Component:
    return card(
        page_title("Se connecter par un lien"),
        document_load(NavigationState.document_url),  # opens the session after login
        rx.cond(
            MagicLinkState.has_token,
            rx.box(
                rx.text("Cliquez sur le bouton pour vous connecter.", margin_bottom="1rem"),
                rx.cond(
                    MagicLinkState.error != "",
                    rx.box(
                        notice(MagicLinkState.error, "error", id="magic-error"),
                        _link("Recevoir un nouveau lien", "/connexion/lien"),
                    ),
                ),
                primary_button("Me connecter", on_click=MagicLinkState.consume, id="magic-go"),
            ),
            rx.cond(
                MagicLinkState.sent,
                notice(
                    "Si un compte correspond à cette adresse, un lien de connexion vient d'être "
                    "envoyé. Il est valable 20 minutes et ne sert qu'une fois.",
                    "success",
                    id="magic-sent",
                ),
                rx.form(
                    rx.text(
                        "Recevez par courriel un lien qui vous connecte sans mot de passe.",
                        margin_bottom="1rem",
                    ),
                    field(
                        "Adresse électronique",
                        "email",
                        error=MagicLinkState.error,
                        type="email",
                        autocomplete="email",
                        required=True,
                    ),
                    primary_button("Recevoir un lien", type="submit", id="magic-submit"),
                    on_submit=MagicLinkState.request,
                ),
            ),
        ),
    )
