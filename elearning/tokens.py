from django.contrib.auth.tokens import PasswordResetTokenGenerator


class AccountActivationTokenGenerator(PasswordResetTokenGenerator):
    """One-time activation link: it stops working once the account is active."""

    key_salt = "elearning.tokens.AccountActivationTokenGenerator"

    def _make_hash_value(self, user, timestamp):
        return f"{user.pk}{user.password}{user.is_active}{timestamp}"


account_activation_token = AccountActivationTokenGenerator()
