export { readMailbox, type FetchedMail } from '../../infra/dovecot-mailbox.js';
