"""Sending a message over SMTP (plain, STARTTLS or TLS), telling a sure failure from an uncertain one.

Everything before the message body is handed over (connect, TLS, login, MAIL FROM, RCPT TO) fails
*surely*: the message was not accepted, so a retry is safe. A reply other than 250 to the body is a sure
failure too. A connection that breaks while the body is being handed over is *uncertain*: the server may
have accepted it, so it must not be sent again without a person deciding (`claimwatch digest --force`).
Credentials come from CLAIMWATCH_SMTP_USER and CLAIMWATCH_SMTP_PASSWORD.
"""

from __future__ import annotations

import os
import smtplib
import ssl
from email.message import EmailMessage

from claimwatch.config.settings import DigestSettings

USER_ENV, PASSWORD_ENV = "CLAIMWATCH_SMTP_USER", "CLAIMWATCH_SMTP_PASSWORD"


class SendFailed(Exception):
    """Surely not delivered; safe to retry."""


class SendUncertain(Exception):
    """Perhaps delivered; do not retry on your own."""


def send(message: EmailMessage, settings: DigestSettings) -> None:
    """Send `message` to its recipients; raise SendFailed or SendUncertain."""
    recipients = settings.recipients
    if not recipients:
        raise SendFailed("no [digest] recipients configured")
    try:
        if settings.smtp_security == "tls":
            smtp: smtplib.SMTP = smtplib.SMTP_SSL(
                settings.smtp_host,
                settings.smtp_port,
                timeout=settings.smtp_timeout,
                context=ssl.create_default_context(),
            )
        else:
            smtp = smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=settings.smtp_timeout)
    except (OSError, smtplib.SMTPException) as exc:
        raise SendFailed(f"cannot connect to {settings.smtp_host}:{settings.smtp_port}: {exc}") from exc
    try:
        try:
            smtp.ehlo()
            if settings.smtp_security == "starttls":
                smtp.starttls(context=ssl.create_default_context())
                smtp.ehlo()
            user = os.environ.get(USER_ENV)
            if user:
                smtp.login(user, os.environ.get(PASSWORD_ENV, ""))
            code, reply = smtp.mail(settings.sender)
            if code != 250:
                raise SendFailed(f"MAIL FROM refused: {code} {reply!r}")
            accepted = [r for r in recipients if smtp.rcpt(r)[0] in (250, 251)]
            if not accepted:
                raise SendFailed("every recipient was refused")
        except (OSError, smtplib.SMTPException) as exc:
            raise SendFailed(f"{type(exc).__name__}: {exc}") from exc
        try:
            # SMTP lines end in CRLF; smtplib sends bytes as they are.
            code, reply = smtp.data(message.as_bytes(policy=message.policy.clone(linesep="\r\n")))
        except smtplib.SMTPDataError as exc:
            raise SendFailed(f"message refused: {exc.smtp_code} {exc.smtp_error!r}") from exc
        except (OSError, smtplib.SMTPException) as exc:
            raise SendUncertain(f"connection lost while handing over the message: {exc}") from exc
        if code != 250:
            raise SendFailed(f"message refused: {code} {reply!r}")
    finally:
        try:
            smtp.quit()
        except (OSError, smtplib.SMTPException):
            smtp.close()
