// Every rule of the requester-extraction spec, as a table of realistic Slack messages, plus hostile input.

import t from 'tap';
import fc from 'fast-check';
import {
  emailFilesMissingContent,
  extractRequester,
  findPhone,
  isSystemAddress,
  sanitizeDisplayName,
  unwrapSlackMarkup,
  type Requester,
  type SlackMessage,
} from '../../bot/requester-extraction.ts';

const NONE: Requester = { kind: 'none', value: null, displayName: null, platform: null };
const email = (value: string, displayName: string | null = null): Requester => ({ kind: 'email', value, displayName, platform: null });
const phone = (value: string): Requester => ({ kind: 'phone', value, displayName: null, platform: null });
const handle = (value: string, platform: string | null): Requester => ({ kind: 'handle', value, displayName: null, platform });

/** A Slack e-mail file as Slack sends it when a mail arrives at a channel's e-mail address. */
function emailFile(fields: Record<string, unknown>): Record<string, unknown> {
  return {
    id: 'F07EMAIL1',
    created: 1_718_000_000,
    name: 'mail',
    mimetype: 'text/html',
    filetype: 'email',
    pretty_type: 'Email',
    user: 'USLACKBOT',
    mode: 'email',
    to: [{ address: 'support-aaaabbbbcccc@shopexample.slack.com', name: 'support', original: 'support <support-aaaabbbbcccc@shopexample.slack.com>' }],
    cc: [],
    attachments: [],
    has_more: false,
    ...fields,
  };
}

/** A message posted by a helpdesk integration, the way Bolt hands it to a message shortcut. */
function botMessage(fields: SlackMessage): SlackMessage {
  return { type: 'message', subtype: 'bot_message', bot_id: 'B0HELPDESK', username: 'Helpdesk', ts: '1718000000.000100', ...fields };
}

const richText = (...sections: unknown[][]): unknown => ({
  type: 'rich_text',
  block_id: 'rt1',
  elements: sections.map((elements) => ({ type: 'rich_text_section', elements })),
});

const cases: [string, SlackMessage, Requester][] = [
  // ---- Rule 1: Slack e-mail files
  [
    'e-mail file: the sender, lower-cased, with its name',
    {
      type: 'message', subtype: 'file_share', user: 'USLACKBOT', text: '', upload: false,
      files: [emailFile({
        title: 'Zwrot zamówienia 4521', subject: 'Zwrot zamówienia 4521',
        from: [{ address: ' Anna.Nowak@Gmail.com ', name: 'Anna Nowak', original: 'Anna Nowak <Anna.Nowak@Gmail.com>' }],
        plain_text: 'Dzień dobry,\nchciałabym zwrócić buty z zamówienia 4521.\nPozdrawiam\nAnna Nowak\ntel. 600123456',
      })],
    },
    email('anna.nowak@gmail.com', 'Anna Nowak'),
  ],
  [
    'e-mail file recognised by mode alone',
    { files: [{ id: 'F1', mode: 'email', from: [{ address: 'piotr.zielinski@wp.pl', name: 'Piotr Zieliński' }] }] },
    email('piotr.zielinski@wp.pl', 'Piotr Zieliński'),
  ],
  [
    'e-mail file recognised by filetype alone',
    { files: [{ id: 'F1', filetype: 'email', from: [{ address: 'piotr.zielinski@wp.pl' }] }] },
    email('piotr.zielinski@wp.pl'),
  ],
  [
    'e-mail file: sender name with HTML, quotes and bidi characters is sanitised',
    { files: [emailFile({ subject: 'Faktura', from: [{ address: 'jan@firma.pl', name: '"<b>Jan\u202E Kowalski</b>"' }], plain_text: 'x' })] },
    email('jan@firma.pl', 'Jan Kowalski'),
  ],
  [
    'e-mail file: a sender name equal to the address is no name',
    { files: [emailFile({ subject: 'Pytanie', from: [{ address: 'jan@firma.pl', name: 'JAN@FIRMA.PL' }], plain_text: 'x' })] },
    email('jan@firma.pl'),
  ],
  [
    'e-mail file from a noreply robot: its plain_text is read by the later rules',
    {
      files: [emailFile({
        title: 'Nowa wiadomość od kupującego', subject: 'Nowa wiadomość od kupującego',
        from: [{ address: 'no-reply@allegro.pl', name: 'Allegro', original: 'Allegro <no-reply@allegro.pl>' }],
        plain_text: 'Masz nową wiadomość w sprawie oferty 1234567890.\n\nKupujący: nick_allegro (Allegro)\nTreść: Czy wysyłka dzisiaj?',
      })],
    },
    handle('nick_allegro', 'allegro'),
  ],
  [
    'e-mail file sent from a Slack channel address falls through to its plain_text',
    {
      files: [emailFile({
        subject: 'Przekierowanie',
        from: [{ address: 'support-aaaabbbbcccc@shopexample.slack.com', name: 'support' }],
        plain_text: 'Wiadomość od klientki: ewa.mazur@interia.pl\nProszę o kontakt.',
      })],
    },
    email('ewa.mazur@interia.pl'),
  ],
  [
    'e-mail file from mailer-daemon: a bounce names nobody',
    { files: [emailFile({ subject: 'Undelivered Mail', from: [{ address: 'MAILER-DAEMON@mx.shop.example' }], plain_text: 'Delivery to postmaster@mx.shop.example failed' })] },
    NONE,
  ],
  [
    'truncated e-mail file (no from, no plain_text): the message text is used meanwhile',
    { text: 'Zgłoszenie od <mailto:karol.w@o2.pl|karol.w@o2.pl>', files: [{ id: 'F07TRUNC', mode: 'email', filetype: 'email', title: 'Reklamacja' }] },
    email('karol.w@o2.pl'),
  ],
  [
    'e-mail file whose from is not a valid address',
    { files: [emailFile({ subject: 'x', from: [{ address: 'undisclosed-recipients:;' }], plain_text: 'Klient: +48 512 345 678' })] },
    phone('+48512345678'),
  ],
  [
    'two e-mail files: a robot one, then a customer one',
    {
      files: [
        emailFile({ id: 'F1', subject: 'Powiadomienie', from: [{ address: 'noreply@shop.example' }], plain_text: 'Automatyczne powiadomienie' }),
        emailFile({ id: 'F2', subject: 'Re: zamówienie', from: [{ address: 'marek@poczta.fm', name: 'Marek' }], plain_text: 'Dziękuję' }),
      ],
    },
    email('marek@poczta.fm', 'Marek'),
  ],
  [
    'non-e-mail files are not rule 1',
    { text: 'Faktura w załączniku', files: [{ id: 'F9', filetype: 'pdf', mode: 'hosted', title: 'faktura.pdf', from: [{ address: 'jan@firma.pl' }] }] },
    NONE,
  ],
  [
    'a From line typed in the message text loses to the e-mail file',
    {
      text: 'From: Ktoś Inny <mailto:inny@example.com|inny@example.com>',
      files: [emailFile({ subject: 'Zwrot', from: [{ address: 'anna@example.pl', name: 'Anna' }], plain_text: 'Zwrot' })],
    },
    email('anna@example.pl', 'Anna'),
  ],
  [
    'rule 1a: Gmail "Fwd:" from an agent, forwarded customer in plain_text',
    {
      files: [emailFile({
        title: 'Fwd: Reklamacja butów', subject: 'Fwd: Reklamacja butów',
        from: [{ address: 'kasia@shop.example', name: 'Kasia (obsługa)' }],
        plain_text: [
          'Przekazuję do zespołu.',
          '',
          '---------- Forwarded message ---------',
          'From: Tomasz Wiśniewski <Tomasz.Wisniewski@Gmail.com>',
          'Date: Mon, 10 Jun 2024 at 09:12',
          'Subject: Reklamacja butów',
          'To: <kasia@shop.example>',
          '',
          'Dzień dobry, buty się rozkleiły.',
        ].join('\n'),
      })],
    },
    email('tomasz.wisniewski@gmail.com', 'Tomasz Wiśniewski'),
  ],
  [
    'rule 1a: Outlook "FW:" with a quoted "Last, First" name',
    {
      files: [emailFile({
        subject: 'FW: Zamówienie 88812',
        from: [{ address: 'kasia@shop.example', name: 'Kasia' }],
        plain_text: [
          '________________________________',
          'From: "Kowalski, Jan" <jan.kowalski@firma.pl>',
          'Sent: Tuesday, June 11, 2024 10:02 AM',
          'To: Kasia <kasia@shop.example>',
          'Subject: Zamówienie 88812',
        ].join('\r\n'),
      })],
    },
    email('jan.kowalski@firma.pl', 'Kowalski, Jan'),
  ],
  [
    'rule 1a: Polish Outlook "PD:" with an "Od:" line in a quote and [mailto:]',
    {
      files: [emailFile({
        subject: 'PD: Faktura korygująca',
        from: [{ address: 'kasia@shop.example', name: 'Kasia' }],
        plain_text: [
          'Do wyjaśnienia.',
          '> -----Original Message-----',
          '> Od: Nowak Anna [mailto:anna.nowak@firma.pl]',
          '> Wysłano: 11 czerwca 2024 10:02',
          '> Do: kasia@shop.example',
          '> Temat: Faktura korygująca',
        ].join('\n'),
      })],
    },
    email('anna.nowak@firma.pl', 'Nowak Anna'),
  ],
  [
    'rule 1a: subject missing, "Fw :" title',
    { files: [emailFile({ title: ' Fw : Pytanie', from: [{ address: 'kasia@shop.example' }], plain_text: 'Od: ola@example.pl' })] },
    email('ola@example.pl'),
  ],
  [
    'rule 1a finds no forwarded customer: the file sender (1b) is used',
    { files: [emailFile({ subject: 'Fwd: notatka', from: [{ address: 'kasia@shop.example', name: 'Kasia' }], plain_text: 'From: Jan Kowalski\nbez adresu' })] },
    email('kasia@shop.example', 'Kasia'),
  ],
  [
    'rule 1a skips a forwarded robot sender and takes the next From line',
    {
      files: [emailFile({
        subject: 'Fwd: Fwd: zwrot',
        from: [{ address: 'kasia@shop.example' }],
        plain_text: 'From: Allegro <no-reply@allegro.pl>\n\nFrom: Beata Lis <beata.lis@onet.pl>',
      })],
    },
    email('beata.lis@onet.pl', 'Beata Lis'),
  ],
  [
    'not a forward subject ("Re:"): the From line in plain_text does not apply, the sender does',
    { files: [emailFile({ subject: 'Re: Fwd: zwrot', from: [{ address: 'kasia@shop.example' }], plain_text: 'From: Beata Lis <beata.lis@onet.pl>' })] },
    email('kasia@shop.example'),
  ],

  // ---- Rule 2: forwarded-header From:/Od: lines
  [
    'Gmail forward pasted into a message (English)',
    {
      type: 'message', user: 'U0AGENT01', ts: '1718000000.000200',
      text: [
        'Klient pisze:',
        '---------- Forwarded message ---------',
        'From: *Jan Kowalski* &lt;<mailto:Jan.Kowalski@Example.com|Jan.Kowalski@Example.com>&gt;',
        'Date: Mon, 10 Jun 2024 at 09:12',
        'Subject: Zwrot',
        'To: &lt;<mailto:sklep@shop.example|sklep@shop.example>&gt;',
      ].join('\n'),
    },
    email('jan.kowalski@example.com', 'Jan Kowalski'),
  ],
  [
    'Gmail forward pasted into a message (Polish)',
    {
      text: [
        '---------- Wiadomość przekazana ---------',
        'Od: Ola Kamińska &lt;<mailto:ola.kaminska@example.pl|ola.kaminska@example.pl>&gt;',
        'Date: pon., 10 cze 2024 o 09:12',
        'Subject: Zwrot',
        'To: &lt;<mailto:sklep@shop.example|sklep@shop.example>&gt;',
      ].join('\n'),
    },
    email('ola.kaminska@example.pl', 'Ola Kamińska'),
  ],
  [
    'Outlook forward in a message, name with [mailto:] target',
    {
      text: [
        '________________________________',
        'From: Marta Wójcik [<mailto:marta.wojcik@firma.pl|mailto:marta.wojcik@firma.pl>]',
        'Sent: Tuesday, June 11, 2024 10:02 AM',
        'To: Obsługa',
        'Subject: Zamówienie',
      ].join('\n'),
    },
    email('marta.wojcik@firma.pl', 'Marta Wójcik'),
  ],
  [
    'Polish Outlook header block with "-----Original Message-----"',
    { text: '-----Original Message-----\nOd: Nowak, Anna &lt;<mailto:anna.nowak@firma.pl|anna.nowak@firma.pl>&gt;\nWysłano: wtorek\nDo: Obsługa\nTemat: Faktura' },
    email('anna.nowak@firma.pl', 'Nowak, Anna'),
  ],
  [
    'bold "*From:*" label',
    { text: '*From:* Beata Lis &lt;<mailto:beata.lis@onet.pl|beata.lis@onet.pl>&gt;' },
    email('beata.lis@onet.pl', 'Beata Lis'),
  ],
  [
    'bold "*From*:" label, quoted with &gt;',
    { text: 'Przesyłam dalej\n&gt; *From*: Beata Lis &lt;<mailto:beata.lis@onet.pl|beata.lis@onet.pl>&gt;' },
    email('beata.lis@onet.pl', 'Beata Lis'),
  ],
  [
    'HTML and a script inside the name are removed',
    { text: 'From: &lt;b&gt;Jan&lt;/b&gt; &lt;script&gt;alert("x")&lt;/script&gt;Kowalski &lt;<mailto:jan@firma.pl|jan@firma.pl>&gt;' },
    email('jan@firma.pl', 'Jan Kowalski'),
  ],
  [
    'double-escaped HTML in the name (&amp;lt;) is removed too',
    { text: 'From: &amp;lt;i&amp;gt;Jan&amp;lt;/i&amp;gt; <mailto:jan@firma.pl|jan@firma.pl>' },
    email('jan@firma.pl', 'Jan'),
  ],
  [
    'From line in a rich_text block (no message text): "<" and ">" typed around an auto-linked address',
    {
      blocks: [richText([
        { type: 'text', text: 'Przekazuję:\nFrom: Ewa Mazur <' },
        { type: 'link', url: 'mailto:ewa.mazur@interia.pl', text: 'ewa.mazur@interia.pl' },
        { type: 'text', text: '>\nDate: Mon' },
      ])],
    },
    email('ewa.mazur@interia.pl', 'Ewa Mazur'),
  ],
  [
    'rich_text mailto link: the url, not the visible text, is the address',
    { blocks: [richText([{ type: 'text', text: 'Od: ' }, { type: 'link', url: 'mailto:real@example.pl', text: 'kliknij tutaj' }])] },
    email('real@example.pl'),
  ],
  [
    'a From line without an e-mail is skipped; the next one counts',
    { text: 'From: Jan Kowalski\nSent: Monday\n\nFrom: Jan Kowalski <mailto:jan.k@example.com|jan.k@example.com>' },
    email('jan.k@example.com', 'Jan Kowalski'),
  ],
  [
    'a From line with only a system address is skipped',
    { text: 'From: Allegro <mailto:noreply@allegro.pl|noreply@allegro.pl>\nKontakt: <mailto:klient@example.pl|klient@example.pl>' },
    email('klient@example.pl'),
  ],
  [
    'the first non-system address of a From line wins, and the name keeps the rest',
    { text: 'From: no-reply@system.example w imieniu Jan Nowak &lt;jan.nowak@example.pl&gt;' },
    email('jan.nowak@example.pl', 'no-reply@system.example w imieniu Jan Nowak'),
  ],
  [
    'rule 2 beats earlier addresses and Requester fields',
    {
      text: 'Kopia: <mailto:kasia@shop.example|kasia@shop.example>\nFrom: Olga <mailto:olga@example.pl|olga@example.pl>',
      attachments: [{ fields: [{ title: 'Requester', value: 'ktos@example.pl' }] }],
    },
    email('olga@example.pl', 'Olga'),
  ],
  [
    'From/value in attachment fields read as a "From: value" line',
    { attachments: [{ fields: [{ title: 'Subject', value: 'Zwrot' }, { title: 'From', value: 'Ilona Bąk <mailto:ilona@example.pl|ilona@example.pl>' }] }] },
    email('ilona@example.pl', 'Ilona Bąk'),
  ],
  [
    '"Odbiorca:" is not an "Od:" line',
    { text: 'Odbiorca: Jan <mailto:jan@example.pl|jan@example.pl>' },
    email('jan@example.pl'),
  ],

  // ---- Rule 3: Requester-type labels
  [
    'helpdesk notification: Requester field in attachment fields, name kept, address removed',
    botMessage({
      text: 'Nowe zgłoszenie #4521',
      attachments: [{
        color: '#36a64f', fallback: 'Nowe zgłoszenie #4521 od agent@shop.example', title: 'Zwrot towaru', title_link: 'https://helpdesk.example/t/4521',
        fields: [
          { title: 'Ticket', value: '#4521', short: true },
          { title: 'Requester', value: 'Ola Kamińska (<mailto:ola.kaminska@example.pl|ola.kaminska@example.pl>)', short: true },
          { title: 'Assignee', value: '<mailto:kasia@shop.example|kasia@shop.example>', short: true },
        ],
        footer: 'Helpdesk', footer_icon: 'https://helpdesk.example/icon.png',
      }],
    }),
    email('ola.kaminska@example.pl', 'Ola Kamińska'),
  ],
  [
    'Block Kit section fields "*Requester:*\\nvalue"',
    botMessage({
      text: 'Nowe zgłoszenie',
      blocks: [
        { type: 'header', text: { type: 'plain_text', text: 'Zgłoszenie #7781' } },
        { type: 'section', fields: [{ type: 'mrkdwn', text: '*Assignee:*\n<mailto:kasia@shop.example|kasia@shop.example>' }, { type: 'mrkdwn', text: '*Requester:*\n<mailto:piotr@example.pl|piotr@example.pl>' }] },
      ],
    }),
    email('piotr@example.pl'),
  ],
  [
    'Klient field with a phone number',
    botMessage({ attachments: [{ fields: [{ title: 'Klient', value: '+48 600 123 456' }, { title: 'E-mail kopii', value: 'kopia@shop.example' }] }] }),
    phone('+48600123456'),
  ],
  [
    'Kupujący line with "(Allegro)"',
    botMessage({ text: '*Nowa wiadomość*\nKupujący: nick_allegro (Allegro)\nOferta: Buty zimowe 42' }),
    handle('nick_allegro', 'allegro'),
  ],
  [
    'Buyer with a leading @ and "(eBay)"',
    botMessage({ text: 'Buyer: @vintage.finds.pl (eBay)' }),
    handle('vintage.finds.pl', 'ebay'),
  ],
  [
    'Klient handle plus a sibling "Platforma:" line in the same chunk',
    botMessage({ text: 'Klient: zielony_kot_88\nPlatforma: Allegro\nTemat: Dostawa' }),
    handle('zielony_kot_88', 'allegro'),
  ],
  [
    'Block Kit fields: Kupujący and a sibling Platforma field of the same section',
    botMessage({ blocks: [{ type: 'section', fields: [{ type: 'mrkdwn', text: '*Kupujący:*\nzielony_kot_88' }, { type: 'mrkdwn', text: '*Platforma:*\n*Allegro*' }] }] }),
    handle('zielony_kot_88', 'allegro'),
  ],
  [
    'attachment fields: Customer plus a sibling Marketplace field',
    botMessage({ attachments: [{ fields: [{ title: '*Customer*', value: 'jan_nowak_77' }, { title: 'Marketplace:', value: 'Kaufland' }] }] }),
    handle('jan_nowak_77', 'kaufland'),
  ],
  [
    'a handle with no platform anywhere: platform null',
    botMessage({ text: 'Zgłaszający: *zielony_kot_88*' }),
    handle('zielony_kot_88', null),
  ],
  [
    'a bare personal name is skipped; the next label gives the handle',
    botMessage({ text: 'Klient: Henryk Wójcik\nKupujący: hwojcik_1960 (OLX)' }),
    handle('hwojcik_1960', 'olx'),
  ],
  [
    'a bare personal name is skipped; the first e-mail of the message is used',
    botMessage({ text: 'Klient: Henryk Wójcik\nOdpowiedz na: <mailto:h.wojcik@example.pl|h.wojcik@example.pl>' }),
    email('h.wojcik@example.pl'),
  ],
  [
    '"Klient dzwonił…" and "Klientka prosi o …:" are not labels',
    { text: 'Klient dzwonił w sprawie zwrotu.\nKlientka prosi o odpowiedź: marta_kupuje' },
    NONE,
  ],
  [
    'rule 3 beats an e-mail elsewhere in the message',
    botMessage({ text: 'Kopia do <mailto:kasia@shop.example|kasia@shop.example>', attachments: [{ fields: [{ title: 'Kupujący', value: 'tel. 600123456' }] }] }),
    phone('+48600123456'),
  ],
  [
    'a label holding only a system address is skipped',
    botMessage({ text: 'Requester: no-reply@allegro.pl\nReply-To: <mailto:kupujacy@example.pl|kupujacy@example.pl>' }),
    email('kupujacy@example.pl'),
  ],
  [
    'quoted "> *Requestor:* …" line',
    { text: '&gt; *Requestor:* Paweł Nowicki &lt;<mailto:pawel.n@example.com|pawel.n@example.com>&gt;' },
    email('pawel.n@example.com', 'Paweł Nowicki'),
  ],
  [
    'ASCII-only and upper-case labels (ZGLASZAJACY, KLIENTKA)',
    { text: 'ZGLASZAJACY:\n\n  +48 501 222 333\nKLIENTKA: anna@example.pl' },
    phone('+48501222333'),
  ],
  [
    'Kupująca label with the value on the next non-empty line',
    { text: '*Kupująca*:\n\n\n*marta.k (Vinted)*' },
    handle('marta.k', 'vinted'),
  ],
  [
    'labels in the raw plain_text of a robot e-mail file',
    { files: [emailFile({ subject: 'Nowe zamówienie', from: [{ address: 'noreply@shop.example' }], plain_text: 'Buyer: amazon_buyer_1\nSource: Amazon' })] },
    handle('amazon_buyer_1', 'amazon'),
  ],

  // ---- Rule 4: first e-mail address anywhere
  [
    'first e-mail in the message text, mailto label discarded',
    { type: 'message', user: 'U0AGENT01', text: 'Proszę o kontakt z klientką: <mailto:Marta.W@Onet.pl|to jest Marta>' },
    email('marta.w@onet.pl'),
  ],
  [
    'an address inside a labelled URL is never picked up',
    { text: 'Zobacz <https://panel.example/search?email=ukryty@example.pl|w panelu> lub <https://panel.example/u/ukryty2@example.pl>' },
    NONE,
  ],
  [
    'system addresses are skipped on the way to the first customer address',
    { text: 'noreply@allegro.pl przekazał wiadomość od jan.kowalski@example.com (kopia: postmaster@example.com)' },
    email('jan.kowalski@example.com'),
  ],
  [
    'escaped address in angle brackets',
    { text: 'Nadawca: Jan &lt;jan@example.com&gt;' },
    email('jan@example.com'),
  ],
  [
    'an e-mail anywhere beats an earlier phone',
    { text: 'Tel: 600 123 456, e-mail: <mailto:klient@example.pl|klient@example.pl>' },
    email('klient@example.pl'),
  ],
  [
    'an e-mail in a later chunk beats a phone in an earlier one',
    { text: 'Oddzwonić: 600 123 456', attachments: [{ text: 'kontakt@klient.example.com' }] },
    email('kontakt@klient.example.com'),
  ],
  [
    'context block with an address',
    { blocks: [{ type: 'context', elements: [{ type: 'image', image_url: 'https://x.example/a.png', alt_text: 'x' }, { type: 'mrkdwn', text: 'Nadawca: <mailto:c@example.pl|c@example.pl>' }] }] },
    email('c@example.pl'),
  ],
  [
    'plain_text section is not unwrapped: a literal "<addr>" is read as text',
    { blocks: [{ type: 'section', text: { type: 'plain_text', text: 'Napisała: Ewa <ewa@example.pl>' } }] },
    email('ewa@example.pl'),
  ],
  [
    'chunk order: message text, then blocks, then attachments',
    { text: 'bez adresu', blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'b@example.pl' } }], attachments: [{ pretext: 'a@example.pl' }] },
    email('b@example.pl'),
  ],
  [
    're-shared message: author, fallback, footer, from_url and message_blocks are ignored',
    {
      type: 'message', user: 'U0AGENT02', text: 'Zobaczcie to zgłoszenie',
      attachments: [{
        is_share: true, is_msg_unfurl: true, author_id: 'U0AGENT01', author_name: 'Kasia (kasia@shop.example)', author_link: 'mailto:kasia@shop.example',
        author_icon: 'https://a.example/k.png', author_subname: 'kasia@shop.example', channel_id: 'C0SUPPORT', channel_name: 'support',
        fallback: '[June 10th] Kasia: klient@example.pl', from_url: 'https://shop.slack.com/archives/C0SUPPORT/p1718000000000100?mail=x@example.pl',
        footer: 'Posted in #support by kasia@shop.example',
        message_blocks: [{ team: 'T1', channel: 'C0SUPPORT', ts: '1718000000.000100', message: { blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'klient@example.pl' } }] } }],
        text: 'Proszę o pilną odpowiedź',
      }],
    },
    NONE,
  ],
  [
    're-shared message text itself is read',
    { attachments: [{ is_share: true, author_name: 'Kasia', author_subname: 'kasia@shop.example', text: 'Klient: <mailto:rafal@example.pl|rafal@example.pl>' }] },
    email('rafal@example.pl'),
  ],

  // ---- Rule 5: first phone
  [
    'phone in the message text',
    { text: 'Proszę oddzwonić na 600-123-456 po 16:00, zamówienie 123456789 z 12.06.2024 na 249,99 zł' },
    phone('+48600123456'),
  ],
  [
    'a tel: link is unwrapped to its target',
    { text: 'Zadzwoń: <tel:+48600123456|kliknij>' },
    phone('+48600123456'),
  ],
  [
    'a landline in an attachment field',
    { attachments: [{ fields: [{ title: 'Numer', value: '22 123 45 67' }] }] },
    phone('+48221234567'),
  ],
  [
    'order numbers, dates, amounts and parcel numbers are not phones',
    { text: 'Zamówienie 123456789 z 2024-06-12, kwota 1 249,99 zł, paczka 0012 3456 7890, NIP 123-456-78-90' },
    NONE,
  ],
  [
    'the leftmost phone across patterns in a chunk',
    { text: 'kom. 512345678 albo +48 600 123 456' },
    phone('+48512345678'),
  ],

  // ---- Never requesters; rule 6
  [
    'user, username and mentions are never requesters',
    { type: 'message', user: 'U024BE7LH', username: 'helpdesk-bot', text: '<@U024BE7LH> <@U0AGENT01|kasia> <#C0SUPPORT|support> <!here> <!subteam^S0TEAM|@obsluga> proszę o pomoc' },
    NONE,
  ],
  ['empty message', {}, NONE],
];

t.test('extractRequester: realistic messages', async (t) => {
  for (const [name, message, expected] of cases) t.same(extractRequester(message), expected, name);
});

t.test('emailFilesMissingContent: ids of truncated e-mail files only', async (t) => {
  const message: SlackMessage = {
    files: [
      { id: 'F_TRUNC', mode: 'email', title: 'Reklamacja' },
      { id: 'F_EMPTY_FROM', filetype: 'email', from: [] },
      { id: 'F_HAS_FROM', mode: 'email', from: [{ address: 'a@example.pl' }] },
      { id: 'F_HAS_TEXT', mode: 'email', plain_text: 'treść' },
      { id: 'F_PDF', filetype: 'pdf' },
      { mode: 'email' },
      null,
      'F_STRING',
    ],
  };
  t.same(emailFilesMissingContent(message), ['F_TRUNC', 'F_EMPTY_FROM']);
  t.same(emailFilesMissingContent({}), []);
  t.same(emailFilesMissingContent(null as unknown as SlackMessage), []);

  // After files.info fills the file in, extracting again finds the sender.
  const filled = { ...message, files: [emailFile({ id: 'F_TRUNC', subject: 'Reklamacja', from: [{ address: 'karol@example.pl', name: 'Karol' }], plain_text: 'x' })] };
  t.same(extractRequester(filled), email('karol@example.pl', 'Karol'));
});

t.test('unwrapSlackMarkup', async (t) => {
  const table: [string, string][] = [
    ['<mailto:jan@example.pl|Napisz do Jana>', 'jan@example.pl'],
    ['<mailto:jan@example.pl>', 'jan@example.pl'],
    ['<MAILTO:jan@example.pl|x>', 'jan@example.pl'],
    ['<tel:+48600123456|zadzwoń>', '+48600123456'],
    ['<tel:600123456>', '600123456'],
    ['<@U024BE7LH> <@U024BE7LH|kasia> <#C0SUPPORT> <#C0SUPPORT|support> <!here> <!subteam^S1|@team>', '     '],
    ['<https://shop.example/zamowienie/1|Zamówienie 1>', 'Zamówienie 1'],
    ['<https://shop.example/?e=ukryty@example.pl>', ''],
    ['a &lt;b&gt; &amp;lt; c', 'a <b> &lt; c'],
    ['&lt;<mailto:a@b.pl|a@b.pl>&gt;', '<a@b.pl>'],
    ['< unclosed', '< unclosed'],
  ];
  for (const [input, expected] of table) t.equal(unwrapSlackMarkup(input), expected, input);
});

t.test('findPhone: the phone formats of rule 5', async (t) => {
  const table: [string, string | null][] = [
    ['+48 600 123 456', '+48600123456'],
    ['+48600123456', '+48600123456'],
    ['+48-600-123-456', '+48600123456'],
    ['+48 22 123 45 67', '+48221234567'],
    ['0048 600 123 456', '+48600123456'],
    ['0048600123456', '+48600123456'],
    ['+420 777 123 456', '+420777123456'],
    ['+44 20 7946 0958', '+442079460958'],
    ['+1 555 123 4567', '+15551234567'],
    ['600-123-456', '+48600123456'],
    ['600 123 456', '+48600123456'],
    ['22 123 45 67', '+48221234567'],
    ['tel 600123456', '+48600123456'],
    ['tel. 600123456', '+48600123456'],
    ['Tel.: 600123456', '+48600123456'],
    ['nr tel: 600123456', '+48600123456'],
    ['telefon 600123456', '+48600123456'],
    ['Phone: 600123456', '+48600123456'],
    ['kom.600123456', '+48600123456'],
    ['komórka: 600123456', '+48600123456'],
    ['KOMÓRKA 600123456', '+48600123456'],
    ['mobile 600123456', '+48600123456'],
    ['(600 123 456)', '+48600123456'],
    ['Oddzwonić: 600 123 456.', '+48600123456'],
    // not phones
    ['600123456', null],
    ['Zamówienie nr 600123456', null],
    ['hotel 600123456', null],
    ['tel 6001234567', null],
    ['+48 600 123 45', null],
    ['+48 600 123 456 7', null],
    ['+48  600 123 456', '+48600123456'], // not the +48 form, but its local part is one
    ['+1 234 567', null],
    ['+1234567890123456', null],
    ['600-123 456', null],
    ['600-123-456-789', null],
    ['1600 123 456', null],
    ['x600 123 456', null],
    ['-600-123-456', null],
    ['a+48600123456', null],
    ['++48600123456', null],
    ['0012 3456 7890', null],
    ['12.06.2024', null],
    ['2024-06-12', null],
    ['1 249,99 zł', null],
    ['123-456-78-90', null],
    ['PL61 1090 1014 0000 0712 1981 2874', null],
    ['', null],
  ];
  for (const [input, expected] of table) t.equal(findPhone(input), expected, input);
});

t.test('isSystemAddress', async (t) => {
  for (const address of [
    'noreply@allegro.pl', 'NoReply@Shop.example', 'no-reply@x.pl', 'no_reply@x.pl', 'donotreply@x.pl', 'do-not-reply@x.pl',
    'do_not_reply@x.pl', 'mailer-daemon@mx.x.pl', 'postmaster@x.pl', 'support-aaaa@shop.slack.com', 'feedback@slack.com',
  ]) t.ok(isSystemAddress(address), address);
  for (const address of ['jan@example.pl', 'noreply.team@x.pl', 'reply@x.pl', 'jan@notslack.com', 'jan@slack.com.evil.pl']) {
    t.notOk(isSystemAddress(address), address);
  }
});

t.test('sanitizeDisplayName: the eight steps', async (t) => {
  const address = 'jan@example.com';
  const table: [unknown, string | null][] = [
    ['Jan Kowalski', 'Jan Kowalski'],
    ['JAN KOWALSKI', 'JAN KOWALSKI'],
    ['Jan Kowalski <jan@example.com>', 'Jan Kowalski'],
    ['Jan Kowalski [mailto:JAN@example.com]', 'Jan Kowalski'],
    ['"Kowalski, Jan" <jan@example.com>', 'Kowalski, Jan'],
    ["'Jan'", 'Jan'],
    ['„Jan Kowalski”', 'Jan Kowalski'],
    ['“Jan”', 'Jan'],
    ['*Jan Kowalski*', 'Jan Kowalski'],
    ['_~`Jan`~_', 'Jan'],
    ['- Jan Kowalski | ', 'Jan Kowalski'],
    ['"*Jan*" ,', 'Jan'],
    ['Jan (jan@example.com)', 'Jan'],
    ['Jan ( [ ] )', 'Jan'],
    ['<b>Jan</b> <i>Kowalski</i>', 'Jan Kowalski'],
    ['Jan<script type="text/javascript">alert("x")</script> <STYLE>p{}</STYLE>Kowalski', 'Jan Kowalski'],
    ['&lt;script&gt;alert(1)&lt;/script&gt;Jan', 'Jan'],
    ['Jan &amp; Anna', 'Jan & Anna'],
    ['Jan\u202E\u200B\u200D\u0000 Kowalski\u2066', 'Jan Kowalski'],
    ['Jan\t\n\r\v\fKowalski', 'Jan Kowalski'],
    ['Ja\u0301n', 'Ján'], // NFC composes
    ['x'.repeat(200), 'x'.repeat(128)],
    ['😀'.repeat(130), '😀'.repeat(128)],
    ['jan@example.com', null],
    ['<jan@example.com>', null],
    ['Jan <a<b>> <From: </script>> Kowalski', 'Jan Kowalski'],
    ['Jan < Kowalski', 'Jan < Kowalski'],
    ['"" ()', null],
    ['', null],
    [null, null],
    [42, null],
  ];
  for (const [raw, expected] of table) t.equal(sanitizeDisplayName(raw, address), expected, JSON.stringify(raw));
});

t.test('malformed payloads never throw and give none', async (t) => {
  const deepRichText: Record<string, unknown> = { type: 'text', text: 'x@example.pl' };
  let nested = deepRichText;
  for (let depth = 0; depth < 10_000; depth++) nested = { type: 'rich_text_section', elements: [nested] };
  const malformed: unknown[] = [
    null, undefined, 42, 'From: jan@example.pl', [], [{ text: 'jan@example.pl' }], true,
    { text: 42 }, { text: null }, { text: ['jan@example.pl'] }, { text: { text: 'jan@example.pl' } },
    { blocks: 'jan@example.pl' }, { blocks: [null, 1, 'x', [], { type: 'section', text: 5, fields: 'x' }, { type: 'section', fields: [null, 7, { text: 8 }] }] },
    { blocks: [{ type: 'rich_text', elements: [null, 5, { type: 'rich_text_section', elements: [null, { type: 'text', text: 9 }, { type: 'link', url: 5 }] }] }] },
    { blocks: [{ type: 'rich_text', elements: [{ elements: 'x' }] }, { type: 'context', elements: [null, { type: 'mrkdwn' }] }, { type: 'header' }] },
    { blocks: [{ type: 'rich_text', elements: [nested] }] },
    { attachments: 'x' }, { attachments: [null, 3, { fields: 'x' }, { fields: [null, 5, { title: 5, value: {} }] }, { text: 5, pretext: [], title: null }] },
    { files: 'x' }, { files: [null, 5, { mode: 'email' }, { mode: 'email', from: 'jan@example.pl' }, { mode: 'email', from: [null] }] },
    { files: [{ mode: 'email', from: [{ address: 5, name: 'Jan' }], plain_text: 7, subject: 9, title: [] }] },
    { files: [{ filetype: 'email', from: [{ address: 'jan@example.pl', name: { first: 'Jan' } }], subject: 'Fwd: x', plain_text: null }] },
  ];
  for (const message of malformed) {
    t.doesNotThrow(() => extractRequester(message as SlackMessage), `malformed payload #${malformed.indexOf(message)}`);
  }
  t.same(extractRequester({ files: [{ filetype: 'email', from: [{ address: 'jan@example.pl', name: { first: 'Jan' } }] }] }), email('jan@example.pl'));
  t.same(extractRequester(null as unknown as SlackMessage), NONE);
  t.same(extractRequester({ text: 42, blocks: 'x', attachments: 5, files: {} }), NONE);
});

t.test('hostile input is handled in linear time', async (t) => {
  const noTld = 'a'.repeat(60_000) + '@' + 'b'.repeat(65_000);
  const hostile: [string, SlackMessage][] = [
    ['e-mail without a TLD in text', { text: noTld }],
    ['e-mail without a TLD in raw plain_text', { files: [{ mode: 'email', plain_text: noTld }] }],
    ['e-mail without a TLD as the file sender', { files: [{ mode: 'email', from: [{ address: noTld, name: noTld }] }] }],
    ['many short local parts', { text: 'a@'.repeat(62_500) }],
    ['labels without a TLD', { text: 'x@' + 'a1.'.repeat(41_000) }],
    ['From label then spaces', { text: 'From' + ' '.repeat(125_000) + 'x' }],
    ['From line then a hostile name', { text: 'From: jan@example.pl ' + '"*(['.repeat(2_400) + '])*"'.repeat(2_400) }],
    ['Requester label then spaces', { text: 'Requester' + ' \t'.repeat(62_500) + 'x' }],
    ['Requester value as hostile handle', { text: 'Requester: nick (' + ' '.repeat(125_000) + 'x' }],
    ['emphasis runs', { text: '*_~'.repeat(41_000) }],
    ['many empty label lines', { text: 'Klient:\n'.repeat(15_000) + '\n'.repeat(5_000) }],
    ['quote markers', { text: '> '.repeat(62_500) + 'From:' }],
    ['digit runs', { text: '1'.repeat(125_000) }],
    ['digit groups', { text: '12 '.repeat(41_000) }],
    ['plus signs', { text: '+4'.repeat(62_500) }],
    ['phone keywords then spaces', { text: ('tel' + ' '.repeat(1000)).repeat(120) }],
    ['unclosed markup', { text: '<'.repeat(62_500) + '<mailto:'.repeat(8_000) }],
    ['unclosed script tags in a From name', { text: 'From: <mailto:jan@example.pl|jan@example.pl> ' + '&lt;script&gt;'.repeat(2_400) }],
    ['script tags closed once at the end', { text: 'From: <mailto:jan@example.pl|jan@example.pl> ' + '&lt;script&gt;'.repeat(2_400) + '&lt;/script&gt;' }],
    ['many fields', { attachments: [{ fields: Array.from({ length: 20_000 }, () => ({ title: 'Klient', value: 'Henryk Wójcik' })) }] }],
  ];
  for (const [name, message] of hostile) {
    const started = performance.now();
    const requester = extractRequester(message);
    const elapsed = performance.now() - started;
    t.ok(elapsed < 1000, `${name}: ${elapsed.toFixed(1)} ms`);
    t.ok(['email', 'phone', 'handle', 'none'].includes(requester.kind), name);
  }
  for (const [name, run] of [
    ['findPhone', () => findPhone('+48 '.repeat(31_000) + '0 0'.repeat(10_000))],
    ['unwrapSlackMarkup', () => unwrapSlackMarkup('<a|'.repeat(40_000))],
    ['sanitizeDisplayName', () => sanitizeDisplayName('('.repeat(60_000) + '"'.repeat(60_000) + '<style'.repeat(1_000), 'a@b.pl')],
  ] as const) {
    const started = performance.now();
    run();
    t.ok(performance.now() - started < 1000, name);
  }
});

// ---- Properties: never throw, and the output invariants of the spec hold for any input.

const EMAIL_VALUE = /^[a-z0-9._%+-]{1,64}@(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,24}$/;
const INVISIBLE = /[\p{Cc}\p{Cf}]/u;

function checkInvariants(requester: Requester): boolean {
  const { kind, value, displayName, platform } = requester;
  if (kind === 'none') return value === null && displayName === null && platform === null;
  if (typeof value !== 'string' || value === '') return false;
  if (kind !== 'handle' && platform !== null) return false;
  if (kind !== 'email' && displayName !== null) return false;
  if (kind === 'email' && (!EMAIL_VALUE.test(value) || isSystemAddress(value))) return false;
  if (kind === 'email' && displayName !== null && (displayName === '' || INVISIBLE.test(displayName) || [...displayName].length > 128)) return false;
  if (kind === 'phone' && !/^\+\d{8,15}$/.test(value)) return false;
  if (kind === 'handle' && platform !== null && (platform === '' || platform !== platform.toLowerCase())) return false;
  return ['email', 'phone', 'handle'].includes(kind);
}

// Text built from the fragments the rules react to, so random messages reach every rule, mixed with noise.
const fragment = fc.constantFrom(
  'From: ', 'Od: ', '*From*:', 'Requester:', '*Klient:*', 'Kupujący: ', 'Platforma: ', '\n', '\r\n', ' ', '> ', '&gt; ', '&lt;', '&amp;',
  'jan@example.pl', 'Jan.Kowalski@Example.COM', 'noreply@allegro.pl', 'x@shop.slack.com', '<mailto:a@b.pl|c@d.pl>', '<tel:+48600123456>',
  '<@U024BE7LH>', '<https://x.example|label>', '+48 600 123 456', '600-123-456', '22 123 45 67', 'tel. 600123456', 'nick_88', '(Allegro)',
  '@vintage.pl', '"', '„', '”', '*', '_', '(', ')', '[mailto:', ']', '<b>', '<script>', '</script>', '\u202E', '\u200B', 'Fwd: ', 'PD:',
);
const slackText = fc.oneof(fc.string(), fc.array(fragment, { maxLength: 25 }).map((parts) => parts.join('')));
const textObject = fc.record({ type: fc.constantFrom('mrkdwn', 'plain_text', 'other'), text: fc.oneof(slackText, fc.anything()) }, { requiredKeys: [] });
const richTextElement = fc.record({
  type: fc.constantFrom('text', 'link', 'user', 'emoji'),
  text: slackText,
  url: fc.oneof(fc.constant('mailto:jan@example.pl'), fc.webUrl(), fc.anything()),
}, { requiredKeys: [] });
const block = fc.oneof(
  fc.record({ type: fc.constant('section'), text: textObject, fields: fc.array(textObject, { maxLength: 4 }) }, { requiredKeys: [] }),
  fc.record({ type: fc.constantFrom('header', 'context'), text: textObject, elements: fc.array(textObject, { maxLength: 3 }) }, { requiredKeys: [] }),
  fc.record({ type: fc.constant('rich_text'), elements: fc.array(fc.record({ type: fc.constantFrom('rich_text_section', 'rich_text_list'), elements: fc.array(richTextElement, { maxLength: 4 }) }), { maxLength: 3 }) }),
  fc.anything(),
);
const attachment = fc.oneof(
  fc.record({
    pretext: slackText, title: slackText, text: slackText, fallback: slackText, author_name: slackText,
    fields: fc.array(fc.oneof(fc.record({ title: slackText, value: slackText }, { requiredKeys: [] }), fc.anything()), { maxLength: 4 }),
  }, { requiredKeys: [] }),
  fc.anything(),
);
const file = fc.oneof(
  fc.record({
    id: fc.string(), mode: fc.constantFrom('email', 'hosted'), filetype: fc.constantFrom('email', 'pdf'), subject: slackText, title: slackText,
    from: fc.oneof(fc.array(fc.record({ address: fc.oneof(fc.emailAddress(), slackText), name: fc.oneof(slackText, fc.anything()) }, { requiredKeys: [] }), { maxLength: 2 }), fc.anything()),
    plain_text: fc.oneof(slackText, fc.anything()),
  }, { requiredKeys: [] }),
  fc.anything(),
);
const messageShaped = fc.record({
  type: fc.constant('message'), user: fc.string(), username: slackText, text: fc.oneof(slackText, fc.anything()),
  blocks: fc.oneof(fc.array(block, { maxLength: 4 }), fc.anything()),
  attachments: fc.oneof(fc.array(attachment, { maxLength: 3 }), fc.anything()),
  files: fc.oneof(fc.array(file, { maxLength: 2 }), fc.anything()),
}, { requiredKeys: [] });

t.test('property: extractRequester never throws and obeys the output invariants', async (t) => {
  t.doesNotThrow(() =>
    fc.assert(fc.property(fc.oneof(messageShaped, fc.anything()), (message) => checkInvariants(extractRequester(message as SlackMessage))), { numRuns: 2000 }),
  );
  t.doesNotThrow(() => fc.assert(fc.property(slackText, (text) => checkInvariants(extractRequester({ text }))), { numRuns: 2000 }));
  t.doesNotThrow(() =>
    fc.assert(fc.property(messageShaped, (message) => emailFilesMissingContent(message).every((id) => typeof id === 'string')), { numRuns: 500 }),
  );
});

t.test('property: helpers never throw on arbitrary strings', async (t) => {
  t.doesNotThrow(() =>
    fc.assert(fc.property(fc.oneof(fc.string(), slackText), (text) => {
      const unwrapped = unwrapSlackMarkup(text);
      return typeof unwrapped === 'string' && unwrapped.length <= text.length; // unwrapping and decoding only shorten
    }), { numRuns: 2000 }),
  );
  t.doesNotThrow(() =>
    fc.assert(fc.property(fc.oneof(fc.string(), slackText), (text) => {
      const found = findPhone(text);
      return found === null || /^\+\d{8,15}$/.test(found);
    }), { numRuns: 2000 }),
  );
  t.doesNotThrow(() =>
    fc.assert(fc.property(fc.oneof(slackText, fc.anything()), fc.emailAddress(), (raw, address) => {
      const name = sanitizeDisplayName(raw, address);
      return name === null || (name !== '' && [...name].length <= 128 && !INVISIBLE.test(name) && !/<[^<>]*>/.test(name) && name.toLowerCase() !== address.toLowerCase());
    }), { numRuns: 2000 }),
  );
  t.doesNotThrow(() => fc.assert(fc.property(fc.string(), (text) => typeof isSystemAddress(text) === 'boolean'), { numRuns: 500 }));
});
