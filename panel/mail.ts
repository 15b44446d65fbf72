// Outgoing e-mail for new tickets, through the SMTP server in SMTP_URL; without it the panel offers mailto: links.
import nodemailer, { type Transporter } from 'nodemailer';
import type { Config } from '../core/config.ts';

export interface Mailer {
  from: string;
  send(message: { to: string; subject: string; text: string }): Promise<void>;
}

export function createMailer(config: Config): Mailer | null {
  if (!config.SMTP_URL) return null;
  const transport: Transporter = nodemailer.createTransport(config.SMTP_URL);
  const from = config.MAIL_FROM ?? `ContactDesk <contactdesk@${new URL(config.publicUrl).hostname}>`;
  return {
    from,
    async send({ to, subject, text }) {
      await transport.sendMail({ from, to, subject, text });
    },
  };
}
