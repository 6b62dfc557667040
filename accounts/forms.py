"""Forms for accounts. They check input shape only; the rules live in accounts.services."""

import re

from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.utils import translation
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation, User
from accounts.selectors import grantable_roles, schools_grouped, user_is_platform_admin

NOT_LISTED = ""


def _language_choices() -> list[tuple[str, str]]:
    # Each language in its own words, so that a person can find theirs whatever the page's.
    return [(code, get_language_info(code)["name_local"].capitalize())
            for code, _name in settings.LANGUAGES]


def _school_choices(*, blank_label) -> list:
    return [(NOT_LISTED, blank_label), *schools_grouped()]


def _school_from_choice(value: str) -> Organisation | None:
    if not value:
        return None
    school = Organisation.objects.filter(pk=value, kind=Organisation.Kind.SCHOOL).first()
    if school is None:
        raise forms.ValidationError(_("Choisissez une école de la liste."), code="invalid_choice")
    return school


class SignupForm(forms.Form):
    full_name = forms.CharField(
        label=_("Nom complet"), max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label=_("Adresse courriel"),
        help_text=_("Nous vous enverrons un lien pour la confirmer."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    password1 = forms.CharField(
        label=_("Mot de passe"), strip=False,
        help_text=password_validation.password_validators_help_text_html(),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("Mot de passe (encore une fois)"), strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    preferred_language = forms.ChoiceField(
        label=_("Langue préférée"), choices=_language_choices, initial="fr",
    )
    school = forms.ChoiceField(
        label=_("Mon école"), required=False,
        help_text=_(
            "Un administrateur de votre école ou de votre centre de services confirmera que "
            "vous en faites partie. Choisir une école ne donne aucun rôle par soi-même."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].choices = _school_choices(
            blank_label=_("Mon école n'est pas dans la liste")
        )
        if not self.is_bound:
            self.fields["preferred_language"].initial = (translation.get_language() or "fr")[:2]

    def clean_email(self) -> str:
        return User.objects.normalize_email(self.cleaned_data["email"]).strip().lower()

    def clean_school(self) -> Organisation | None:
        return _school_from_choice(self.cleaned_data.get("school", ""))

    def clean(self):
        cleaned = super().clean()
        password1, password2 = cleaned.get("password1"), cleaned.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", _("Les deux mots de passe ne sont pas identiques."))
        elif password2:
            # A password close to the person's own name or address is refused too.
            candidate = User(email=cleaned.get("email") or "",
                             full_name=cleaned.get("full_name") or "")
            try:
                password_validation.validate_password(password2, candidate)
            except forms.ValidationError as error:
                self.add_error("password2", error)
        return cleaned


class EmailAuthenticationForm(AuthenticationForm):
    """Django's login form, asking for the email address the account was created with."""

    username = forms.EmailField(
        label=_("Adresse courriel"),
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )
    error_messages = {
        "invalid_login": _(
            "Cette adresse courriel et ce mot de passe ne correspondent à aucun compte actif. "
            "Vérifiez-les et réessayez."
        ),
        "inactive": _("Ce compte est désactivé."),
    }

    def clean_username(self) -> str:
        # Addresses are stored in lower case; people type them any way they like.
        return self.cleaned_data["username"].strip().lower()


class LocalisedPasswordResetForm(PasswordResetForm):
    """Sends the reset email in the person's own language, whatever page they asked from."""

    email = forms.EmailField(
        label=_("Adresse courriel"), max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def send_mail(self, subject_template_name, email_template_name, context, from_email,
                  to_email, html_email_template_name=None):
        language = getattr(context.get("user"), "preferred_language", None)
        with translation.override(language or translation.get_language()):
            super().send_mail(subject_template_name, email_template_name, context, from_email,
                              to_email, html_email_template_name)


class ProfileForm(forms.Form):
    full_name = forms.CharField(
        label=_("Nom complet"), max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    preferred_language = forms.ChoiceField(
        label=_("Langue préférée"), choices=_language_choices,
        help_text=_("Le site et les courriels s'affichent dans cette langue."),
    )
    profile_published = forms.BooleanField(
        label=_("Profil public"), required=False,
        help_text=_(
            "Votre profil public montre votre nom et les badges que vous n'avez pas masqués. "
            "Il reste privé tant que vous ne cochez pas cette case."
        ),
    )

    @classmethod
    def for_user(cls, user: User, data=None) -> "ProfileForm":
        return cls(data=data, initial={
            "full_name": user.full_name,
            "preferred_language": user.preferred_language,
            "profile_published": user.profile_published,
        })


class JoinRequestForm(forms.Form):
    school = forms.ChoiceField(label=_("Mon école"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].choices = _school_choices(blank_label=_("Choisissez une école"))

    def clean_school(self) -> Organisation:
        school = _school_from_choice(self.cleaned_data.get("school", ""))
        if school is None:
            raise forms.ValidationError(_("Choisissez une école de la liste."), code="required")
        return school


class OrganisationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Organisation) -> str:
        return f"{obj.name} ({obj.get_kind_display()})"


class RoleGrantForm(forms.Form):
    email = forms.EmailField(
        label=_("Adresse courriel de la personne"),
        help_text=_("La personne doit déjà avoir un compte Sexto."),
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    role = forms.ChoiceField(label=_("Rôle"))
    organisation = OrganisationChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.none(),
    )

    def __init__(self, *args, granter: User, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = grantable_roles(granter)
        field = self.fields["organisation"]
        field.queryset = organisations.order_by("name")
        if user_is_platform_admin(granter):
            field.required = False
            field.empty_label = _("Aucune (rôle valable pour toute la plateforme)")
            field.help_text = _(
                "Évaluateur, auteur de programme et administrateur de la plateforme valent pour "
                "toute la plateforme : laissez « Aucune »."
            )
        else:
            field.empty_label = _("Choisissez une organisation")

    def clean_email(self) -> User:
        email = self.cleaned_data["email"].strip().lower()
        user = User.objects.filter(email__iexact=email, is_active=True).first()
        if user is None:
            raise forms.ValidationError(
                _("Aucun compte actif n'utilise cette adresse. La personne doit d'abord créer "
                  "son compte."),
                code="unknown_user",
            )
        return user


# --- Second factor --------------------------------------------------------------------------

# The person's words stay on the page after an error; codes and keys do not.
SECRET_FIELDS = ("otp_token", "recovery_code", "passkey_assertion", "credential")


def _otp_token_field() -> forms.CharField:
    return forms.CharField(
        label=_("Code à 6 chiffres"), required=False, max_length=20,
        help_text=_("Le code que votre application d'authentification affiche en ce moment."),
        widget=forms.TextInput(attrs={
            "autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false",
            "autocapitalize": "none", "size": 8,
        }),
    )


def _clean_otp_token(form: forms.Form, value: str, *, required: bool) -> str:
    value = re.sub(r"[\s-]", "", value or "")
    if not value:
        if required:
            form.add_error("otp_token", forms.ValidationError(
                _("Entrez le code à 6 chiffres de votre application d'authentification."),
                code="required"))
    elif not re.fullmatch(r"[0-9]{6}", value):
        form.add_error("otp_token", forms.ValidationError(
            _("Le code compte 6 chiffres, sans lettres ni autres signes."), code="invalid"))
    return value


class SecretsNotKeptMixin:
    """After an error, the page shows again what the person typed, except codes and keys."""

    def forget_secrets(self) -> None:
        if self.is_bound:
            self.data = self.data.copy()
            for name in SECRET_FIELDS:
                if name in self.data:
                    self.data[name] = ""


class SecondFactorForm(SecretsNotKeptMixin, forms.Form):
    """One of the person's second factors; `method` says which. Checking it is a service's job."""

    method = forms.ChoiceField(
        choices=[("totp", "totp"), ("recovery_code", "recovery_code"), ("passkey", "passkey")],
        widget=forms.HiddenInput,
    )
    otp_token = _otp_token_field()
    recovery_code = forms.CharField(
        label=_("Code de secours"), required=False, max_length=30,
        help_text=_("Un des codes de secours reçus quand vous avez ajouté votre second facteur "
                    "(8 lettres et chiffres). Chaque code ne sert qu'une fois."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "none",
                                      "spellcheck": "false", "size": 12}),
    )
    passkey_assertion = forms.CharField(required=False, max_length=20_000,
                                        widget=forms.HiddenInput)

    def clean(self):
        cleaned = super().clean()
        method = cleaned.get("method")
        if method == "totp":
            cleaned["value"] = _clean_otp_token(self, cleaned.get("otp_token", ""), required=True)
        elif method == "recovery_code":
            value = re.sub(r"[\s-]", "", cleaned.get("recovery_code", "")).lower()
            if not value:
                self.add_error("recovery_code", forms.ValidationError(
                    _("Entrez un de vos codes de secours."), code="required"))
            elif not re.fullmatch(r"[a-z2-7]{8}", value):
                self.add_error("recovery_code", forms.ValidationError(
                    _("Un code de secours compte 8 caractères : des lettres et des chiffres "
                      "de 2 à 7."), code="invalid"))
            cleaned["value"] = value
        elif method == "passkey":
            if not cleaned.get("passkey_assertion"):
                self.add_error(None, forms.ValidationError(
                    _("Votre clé d'accès n'a pas répondu. Réessayez."), code="required"))
            cleaned["value"] = cleaned.get("passkey_assertion", "")
        return cleaned


class TotpConfirmForm(SecretsNotKeptMixin, forms.Form):
    name = forms.CharField(
        label=_("Nom de cette application"), max_length=64, required=False,
        help_text=_("Pour la reconnaître dans la liste, par exemple « Téléphone »."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    otp_token = _otp_token_field()

    def clean(self):
        cleaned = super().clean()
        cleaned["otp_token"] = _clean_otp_token(self, cleaned.get("otp_token", ""),
                                                required=True)
        return cleaned


class PasskeyRegisterForm(SecretsNotKeptMixin, forms.Form):
    name = forms.CharField(
        label=_("Nom de cette clé d'accès"), max_length=64, required=False,
        help_text=_("Pour la reconnaître dans la liste, par exemple « Ordinateur du bureau »."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    credential = forms.CharField(required=False, max_length=20_000, widget=forms.HiddenInput)

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("credential"):
            self.add_error(None, forms.ValidationError(
                _("Votre navigateur n'a pas créé de clé d'accès. Réessayez."), code="required"))
        return cleaned


class ReauthenticationForm(forms.Form):
    password = forms.CharField(
        label=_("Mot de passe"), strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "autofocus": True}),
    )


class SecondFactorHelpForm(forms.Form):
    """An administrator unlocks or resets someone's second factor, saying why."""

    UNLOCK, RESET = "unlock", "reset"

    action = forms.ChoiceField(
        label=_("Ce qu'il faut faire"), widget=forms.RadioSelect,
        choices=[
            (UNLOCK, _("Débloquer : lever le blocage dû à des codes refusés. La personne garde "
                       "son application, ses clés d'accès et ses codes de secours.")),
            (RESET, _("Réinitialiser : retirer son application, ses clés d'accès et ses codes "
                      "de secours (téléphone perdu ou remplacé). Elle en ajoutera un nouveau à "
                      "sa prochaine connexion.")),
        ],
    )
    reason = forms.CharField(
        label=_("Motif"), max_length=300,
        help_text=_("Gardé au journal d'audit : comment la personne a fait sa demande et "
                    "comment vous avez vérifié que c'était bien elle (par exemple, un appel à "
                    "son numéro connu)."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
