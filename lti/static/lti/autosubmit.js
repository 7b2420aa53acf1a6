// The signed deep linking answer goes back to the platform at once (LTI Deep Linking 2.0).
document.querySelectorAll("form[data-lti-autosubmit]").forEach((form) => form.submit());
