"""Cabinet and sign-in forms: they check the format of input; rules live in services."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django import forms
from django.contrib.auth import authenticate, password_validation
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone

from mprating.accounts.backends import find_user_by_login
from mprating.accounts.inn import normalize_inn
from mprating.accounts.models import CrossScheme, User
from mprating.accounts.phones import normalize_phone
from mprating.accounts.services import PersonalData
from mprating.accounts.tasks import password_reset_send
from mprating.core.tasks import enqueue_on_commit

NAME_MAX = 100


class PersonalDataForm(forms.Form):
    last_name = forms.CharField(label="Фамилия", max_length=NAME_MAX)
    first_name = forms.CharField(label="Имя", max_length=NAME_MAX)
    middle_name = forms.CharField(label="Отчество", max_length=NAME_MAX, required=False)
    email = forms.EmailField(
        label="E-mail",
        max_length=254,
        error_messages={"invalid": "Введите e-mail полностью, например ivanov@mail.ru."},
    )
    phone = forms.CharField(
        label="Телефон",
        max_length=32,
        widget=forms.TextInput(attrs={"inputmode": "tel", "placeholder": "+7 916 123-45-67"}),
        help_text="По телефону, как и по e-mail, можно входить в кабинет.",
    )
    company_name = forms.CharField(label="Название компании", max_length=255, required=False)
    inn = forms.CharField(
        label="ИНН",
        max_length=20,
        required=False,
        help_text="10 цифр для организации или 12 для ИП и физлица; нужен для счетов.",
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()

    def clean_phone(self) -> str:
        return normalize_phone(self.cleaned_data["phone"])

    def clean_inn(self) -> str:
        raw = self.cleaned_data["inn"].strip()
        return normalize_inn(raw) if raw else ""

    def personal_data(self) -> PersonalData:
        data = self.cleaned_data
        return PersonalData(
            last_name=data["last_name"].strip(),
            first_name=data["first_name"].strip(),
            middle_name=data["middle_name"].strip(),
            email=data["email"],
            phone=data["phone"],
            company_name=data["company_name"].strip(),
            inn=data["inn"],
        )


class RegistrationForm(PersonalDataForm):
    password1 = forms.CharField(
        label="Пароль",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="Не короче 8 символов, не только цифры и не похожий на ваши данные.",
    )
    password2 = forms.CharField(
        label="Пароль ещё раз",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    consent = forms.BooleanField(
        label="Я даю согласие на обработку моих персональных данных",
        error_messages={
            "required": "Без согласия на обработку персональных данных зарегистрироваться нельзя."
        },
    )

    def clean(self) -> dict:
        data = super().clean()
        password1, password2 = data.get("password1"), data.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", "Пароли не совпадают.")
        elif password1:
            probe = User(
                email=data.get("email", ""),
                last_name=data.get("last_name", ""),
                first_name=data.get("first_name", ""),
            )
            try:
                password_validation.validate_password(password1, user=probe)
            except ValidationError as exc:
                self.add_error("password1", exc)
        return data


class SearchSettingsForm(forms.Form):
    markup_percent = forms.DecimalField(
        label="Индивидуальная наценка, %",
        min_value=Decimal("0"),
        max_value=Decimal("100"),
        max_digits=5,
        decimal_places=2,
        localize=True,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
        error_messages={
            "min_value": "Наценка не может быть меньше 0 %%.",
            "max_value": "Наценка не может быть больше 100 %%.",
            "max_decimal_places": "Не больше двух знаков после запятой.",
            "invalid": "Введите число, например 7,5.",
            "required": "Укажите наценку; 0 — без наценки.",
        },
        help_text=(
            "Прибавляется ко всем ценам, которые вы видите в поиске, — удобно показывать экран "
            "своим покупателям. Платите вы при этом настоящую цену: в корзине, заказах и "
            "финансах наценки нет."
        ),
    )
    cross_scheme = forms.TypedChoiceField(
        label="Схема кросс-связей",
        coerce=int,
        choices=CrossScheme.choices,
        widget=forms.RadioSelect,
        help_text=(
            "Чем длиннее цепочка кросс-связей, тем больше аналогов найдётся, но тем ниже точность "
            "и скорость поиска. Обычным покупателям лучше схема №1, профессионалам — №2 или №3."
        ),
    )


class LoginForm(AuthenticationForm):
    """Sign in by e-mail or phone; a blocked client is told so after a correct password."""

    username = forms.CharField(
        label="E-mail или телефон",
        max_length=254,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )
    error_messages = {
        "invalid_login": "Неверный e-mail, телефон или пароль.",
        "inactive": "Доступ к сервису приостановлен. Обратитесь в поддержку магазина.",
    }

    def clean(self) -> dict:
        try:
            return super().clean()
        except ValidationError as exc:
            if exc.code == "invalid_login" and self._is_blocked_account():
                raise ValidationError(self.error_messages["inactive"], code="inactive") from exc
            raise

    def _is_blocked_account(self) -> bool:
        user = find_user_by_login(self.cleaned_data.get("username", ""))
        password = self.cleaned_data.get("password") or ""
        return bool(user and not user.is_active and user.check_password(password))


class QueuedPasswordResetForm(PasswordResetForm):
    """Django's reset form, but the request only queues a task with the typed address: the
    task looks the address up and writes the letter to the outbox (sent after commit, retried
    while the mail server is down). A known and an unknown address cost the request the same
    work — one queued task — so its timing does not tell them apart (issue 12)."""

    email = forms.EmailField(
        label="E-mail", max_length=254, error_messages={"invalid": "Введите e-mail полностью."}
    )

    def save(self, *args, **kwargs) -> None:
        enqueue_on_commit(password_reset_send, email=self.cleaned_data["email"])


class DeletionRequestForm(forms.Form):
    """«Удалить мои данные» (issue 12, 152-ФЗ): the password again and an explicit «yes»."""

    password = forms.CharField(
        label="Пароль",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": "Введите пароль, чтобы подтвердить, что это вы."},
    )
    confirm = forms.BooleanField(
        label="Я понимаю, что личные данные будут удалены без возможности восстановления, "
        "а войти в кабинет больше не получится",
        error_messages={"required": "Подтвердите, что понимаете последствия удаления."},
    )


API_TOKEN_LOCKED_OUT = (
    "Слишком много неверных попыток ввода пароля: создание токенов и вход с вашего адреса "  # nosec B105 — a message
    "заблокированы на час. Если вы забыли пароль, восстановите его."
)


class ApiTokenCreateForm(forms.Form):
    """«Создать токен» in «Личная информация»: a name, how long it works, and the client's
    current password (whoever sits at an open session must not get a key to the account).

    The password goes through `django.contrib.auth.authenticate`, as a sign-in does, so
    django-axes counts a wrong one and locks the account from this address after
    `AXES_FAILURE_LIMIT` failures — for the sign-in form too.
    """

    EXPIRY_DAYS = {"30": 30, "90": 90, "365": 365}
    MAX_DATE_DAYS = 5 * 366
    EXPIRY_CHOICES = [
        ("never", "Без срока"),
        ("30", "30 дней"),
        ("90", "90 дней"),
        ("365", "365 дней"),
        ("date", "До выбранной даты"),
    ]

    name = forms.CharField(
        label="Название",
        max_length=100,
        help_text="Для чего токен, например «Учёт на складе» или «Скрипт заказов».",
        error_messages={"required": "Назовите токен, например «Учёт на складе»."},
    )
    expiry = forms.ChoiceField(
        label="Срок действия",
        choices=EXPIRY_CHOICES,
        initial="90",
        error_messages={"required": "Выберите срок действия."},
    )
    expires_on = forms.DateField(
        label="Действует по (включительно)",
        required=False,
        widget=forms.DateInput(
            attrs={"placeholder": "ДД.ММ.ГГГГ", "inputmode": "numeric", "autocomplete": "off"},
            format="%d.%m.%Y",
        ),
        help_text="Только для срока «До выбранной даты».",
        error_messages={"invalid": "Введите дату в формате ДД.ММ.ГГГГ."},
    )
    password = forms.CharField(
        label="Текущий пароль",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": "Введите пароль от личного кабинета."},
    )

    def __init__(self, request: HttpRequest, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.request = request

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        request = self.request
        user = authenticate(request, username=request.user.email, password=password)
        if getattr(request, "axes_locked_out", False):
            # The lockout is told here, in the form; without this the axes middleware would
            # swap the whole answer for its sign-in lockout page.
            request.axes_locked_out = False
            raise ValidationError(API_TOKEN_LOCKED_OUT, code="locked_out")
        if user is None or user.pk != request.user.pk:
            raise ValidationError("Неверный пароль.", code="invalid_password")
        return password

    def clean_expires_on(self) -> date | None:
        last_day = self.cleaned_data["expires_on"]
        if last_day and last_day > timezone.localdate() + timedelta(days=self.MAX_DATE_DAYS):
            raise ValidationError(
                "Не дальше чем через 5 лет. Токен без срока — «Без срока».", code="too_far"
            )
        return last_day

    def clean(self) -> dict:
        data = super().clean()
        if (
            data.get("expiry") == "date"
            and not data.get("expires_on")
            and not self.has_error("expires_on")
        ):
            self.add_error("expires_on", "Укажите дату или выберите другой срок.")
        return data

    def expires_at(self) -> datetime | None:
        """When the token stops working: N days from now, or the end of the chosen day
        (Moscow time), or never (None)."""
        expiry = self.cleaned_data["expiry"]
        if expiry in self.EXPIRY_DAYS:
            return timezone.now() + timedelta(days=self.EXPIRY_DAYS[expiry])
        if expiry == "date":
            last_day: date = self.cleaned_data["expires_on"]
            return timezone.make_aware(datetime.combine(last_day + timedelta(days=1), time.min))
        return None
