// The security page lists the passkeys: once one is added, the page is read again to show it.
document.addEventListener("otp_webauthn.register_complete", () => {
  window.location.reload();
});
