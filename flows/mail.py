"""E-mail for notifications, when SMTP is configured (VINHDANH_SMTP_HOST …): each notification
whose person has an address is sent once and marked."""

import smtplib
from email.message import EmailMessage

from flows.runtime import unit_of_work
from models.config import get_settings
from models.db import utcnow
from models.notify import unsent_mail


def send_pending() -> int:
    """Send what is waiting; how many were sent (0 when SMTP is not configured)."""
    settings = get_settings()
    if not settings.smtp_host:
        return 0
    sent = 0
    with unit_of_work() as session, smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=30) as smtp:
        if settings.smtp_starttls:
            smtp.starttls()
        if settings.smtp_user:
            smtp.login(settings.smtp_user, settings.smtp_password)
        for notification, address in unsent_mail(session):
            message = EmailMessage()
            message["From"], message["To"] = settings.smtp_sender, address
            message["Subject"] = notification.title
            message.set_content(notification.body or notification.title)
            smtp.send_message(message)
            notification.emailed_at = utcnow()
            session.add(notification)
            session.commit()  # one at a time: a failure later does not send these again
            sent += 1
    return sent
