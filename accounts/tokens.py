from django.contrib.auth.tokens import PasswordResetTokenGenerator


class AccountActivationTokenGenerator(PasswordResetTokenGenerator):
    """One-time activation link, good only for an account still awaiting its confirmation.

    The hash covers `is_active`, so activating changes it: the link is single-use. Checking also
    requires `awaiting_activation`, which activation clears for good: an account an
    administrator deactivated later is inactive again, but no link activates it.
    """

    # Named after the module it was first written in: a new salt would void every activation
    # link already sent.
    key_salt = "elearning.tokens.AccountActivationTokenGenerator"

    def _make_hash_value(self, user, timestamp):
        return f"{user.pk}{user.password}{user.is_active}{timestamp}"

    def check_token(self, user, token):
        if user is None or user.is_active or not user.awaiting_activation:
            return False
        return super().check_token(user, token)


account_activation_token = AccountActivationTokenGenerator()
