/**
 * Every sentence the recruiter reads, built from plain data so it can be tested without Apps Script.
 */

/** Title of every dialog the script shows. */
const TITLE = 'JobMojito';

/** Where the recruiter finds the settings: the add-on menu, under Extensions (see Menu.js). */
const SETTINGS_PATH = 'Extensions > JobMojito > Settings…';

/** Fixed sentences. */
const MESSAGES = {
  unreachable:
    'The invitation service could not be reached. Check the function URL in ' + SETTINGS_PATH + ', or try again in a few minutes.',
  urlNotAllowed:
    'This script may not call the function URL in ' + SETTINGS_PATH + '. Check it against the URL of the deployed ' +
    'function (your admin has it; clear the field to use the deployed one), then try again.',
  timeout:
    'The invitation service did not answer within a minute. It may still be writing results: wait a minute, then ' +
    'run it again on the same selection (rows already done are skipped).',
  nothingSelected: 'Nothing selected: select the candidate rows (not only the header row), then try again.',
  busy: 'Another JobMojito run is in progress in this Sheet. Wait until it has finished, then try again.',
  checkTooLong: 'Checking the selection took too long. Select fewer rows, then try again.',
  cancelled: 'Nothing was sent.',
  noProgress: 'The invitation service stopped answering for the remaining rows. Run it again on the same selection to continue.',
  balanceUnknown: 'The JobMojito balance could not be read.',
  functionAnswered: 'The invitation service answered.',
  checkTimeout:
    'The invitation service did not answer within a minute. Try again in a few minutes; if it keeps happening, ask your admin.',
  connectionReady: 'Everything works: this Sheet can send invitations.',
  connectionBroken: 'Fix what is marked ✗, then test the connection again.',
  testModeRun:
    'TEST MODE: sent as a test; JobMojito accepts draft interviews and flags these candidates\' results as tests ' +
    '(the result column says "ok (test)").',
  testModeRefresh: 'TEST MODE: test results are included.',
  personalInTestMode:
    'Personal invitations cannot be sent in test mode: JobMojito has no test mode for them. Turn test mode off in ' +
    SETTINGS_PATH + ' to send them, or try test mode with Send email invitations.',
  languagesUnavailable: 'The list of languages could not be loaded',
  hourlyOff: 'Hourly status refresh is off.',
  hourlyNotOn: 'Hourly status refresh is not on for this Sheet; there is nothing to turn off.',
  hourlyTurnedOff: 'Hourly status refresh is off: its hourly trigger is removed.',
  hourlyNotRunYet: 'It has not run yet.',
  hourlyNoStatusTab:
    'No tab has an interview_status column yet: choose Refresh interview status once on the candidates\' tab, and ' +
    'the hourly refresh keeps that tab current from then on.',
  hourlyBusy: 'Skipped: another JobMojito run was in progress in this Sheet.',
  hourlyNoTab: 'No tab has an interview_status column, so nothing was refreshed.',
};

/** The recruiter's sentence for each error code of the function, used when its answer has no message. */
const ERROR_FALLBACKS = {
  invalid_request: 'The invitation service did not understand the request. Please contact support.',
  invalid_range: 'The invitation service could not read the selection. Select the candidate rows again, then retry.',
  no_email_column: 'No email column found: one of the top five rows must be a header row with a column named "Email".',
  no_name_column: 'No name column found: the header row needs a column named "Name" (or "First name" and "Last name").',
  unauthenticated: 'The invitation service did not accept your Google sign-in. Ask your admin to check the setup.',
  sheets_token_rejected: 'The invitation service could not use your access to this Sheet. Reload the Sheet, then try again.',
  user_not_allowed: 'You are not allowed to use JobMojito invitations. Ask your admin to add you.',
  token_mismatch: 'Your access to this Sheet and your Google sign-in belong to different accounts. Reload the Sheet, then try again from your own account.',
  sheets_api_disabled: 'The Google Sheets API is switched off in this script\'s Google Cloud project. Ask your admin to enable it.',
  sheets_scope_missing: 'JobMojito may not edit this Sheet yet. Choose the menu item again and allow every access Google asks for.',
  sheets_quota_exceeded: 'Google Sheets asks to slow down. Wait a minute, then run it again on the same selection.',
  jobmojito_forbidden: 'JobMojito does not let the invitation service do this. Ask your admin to check the JobMojito API key and merchant.',
  jobmojito_interview_not_found: 'JobMojito does not know this interview. Copy the interview ID from JobMojito into Extensions > JobMojito > Settings… again.',
  not_enough_invitations: 'JobMojito has fewer invitations left this period than this run needs. Select fewer rows, or ask your admin for more credits.',
  jobmojito_conflict: 'JobMojito refused because of the interview\'s current state (closed or draft?). Check the interview in JobMojito, then try again.',
  state_store_unavailable: 'The invitation service could not check who was already invited, so it sent nothing more. Wait a minute, then run it again.',
  sheet_access_denied: 'The invitation service may not open this Sheet with your access. Check that you can edit it, or ask your admin.',
  spreadsheet_not_found: 'The invitation service could not find this spreadsheet.',
  sheet_not_found: 'The invitation service could not find this tab. Reload the Sheet, then try again.',
  method_not_allowed: 'The invitation service did not understand the request. Please contact support.',
  too_many_rows: 'Too many rows for one request. Select fewer rows, then try again.',
  body_too_large: 'The request was too large. Select fewer rows, then try again.',
  jobmojito_rejected_request: 'JobMojito rejected the request. Check the interview ID in Extensions > JobMojito > Settings….',
  sheets_unavailable: 'Google Sheets is busy right now. Wait a minute, then try again.',
  google_certs_unavailable: 'Your Google sign-in could not be checked right now. Wait a minute, then try again.',
  jobmojito_unreachable: 'JobMojito could not be reached. Try again in a few minutes.',
  jobmojito_credentials_rejected: 'JobMojito rejected the credentials of the invitation service. Ask your admin to renew them.',
  configuration_error: 'The invitation service is not set up correctly. Ask your admin to check its configuration.',
  internal_error: 'The invitation service ran into an error. Try again; if it keeps happening, contact support.',
};

/** The code whose sentence is used for an HTTP status when the code is unknown. */
const STATUS_FALLBACK_CODES = {
  400: 'invalid_request',
  401: 'unauthenticated',
  403: 'user_not_allowed',
  404: 'spreadsheet_not_found',
  409: 'jobmojito_conflict',
  413: 'too_many_rows',
  422: 'jobmojito_rejected_request',
  429: 'sheets_unavailable',
  500: 'internal_error',
  502: 'jobmojito_unreachable',
  503: 'sheets_unavailable',
};

/**
 * Chooses the sentence for an error answer: the function's own message when it has one,
 * else the script's sentence for the code, else for the HTTP status.
 * @param {number} status the HTTP status code
 * @param {string} code the error code of the answer ('' when absent)
 * @param {*} message the message of the answer
 * @return {string} a plain sentence
 */
function errorMessage(status, code, message) {
  if (typeof message === 'string' && message.trim()) {
    return message.trim();
  }
  const fallback = ERROR_FALLBACKS[code] || ERROR_FALLBACKS[STATUS_FALLBACK_CODES[status]];
  return fallback || 'The invitation service answered with an error (HTTP ' + status + '). Try again; if it keeps happening, contact support.';
}

/**
 * The sentence for an answer that is not the function's JSON (e.g. an HTML error page of Google's front end).
 * @param {number} status the HTTP status code
 * @return {string} a plain sentence
 */
function notUnderstoodMessage(status) {
  if (status === 401 || status === 403) {
    return 'The invitation service refused the call (HTTP ' + status + ') before checking it. Ask your admin to check who may call it.';
  }
  return 'The invitation service gave an answer the script does not understand (HTTP ' + status + '). Try again in a few minutes; if it keeps happening, contact support.';
}

/**
 * Writes a whole number with thousands separators, e.g. 1200 -> "1,200".
 * @param {number} n the number
 * @return {string} the formatted number
 */
function formatNumber(n) {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/**
 * Writes a count with its noun, e.g. (1, 'row') -> "1 row", (3, 'row') -> "3 rows".
 * @param {number} n the count
 * @param {string} noun the singular noun
 * @param {string=} pluralNoun the plural noun when it is not noun + "s"
 * @return {string} the count and the noun
 */
function countOf(n, noun, pluralNoun) {
  return formatNumber(n) + ' ' + (n === 1 ? noun : pluralNoun || noun + 's');
}

/** Row statuses that only `force` sends: already registered, or pending from an interrupted run. */
const FORCEABLE_STATUSES = ['registered', 'interrupted'];

/**
 * Counts rows by their `status` code (the function's stable code; the result text is never read).
 * @param {Array<{status: string}>} rows answer rows, each row once
 * @return {Object<string, number>} how many rows have each status, e.g. {ok: 8, invalid: 2}
 */
function countStatuses(rows) {
  const counts = {};
  for (const row of rows) {
    const status = String(row.status || '');
    counts[status] = (counts[status] || 0) + 1;
  }
  return counts;
}

/**
 * Groups the rows of a dry run by status, for the recruiter.
 * @param {Array<{status: string}>} rows rows of the dry run, each row once
 * @return {{wouldSend: number, forceable: number, recovered: number, groups: Array<{status: string, count: number}>}}
 *     rows that would be sent, rows that only `force` would send (already registered or pending from an
 *     interrupted run), rows whose link from an earlier run the run writes without sending anything (`recovered`),
 *     and the other rows grouped by status in order of first appearance (`recovered` among them)
 */
function groupResults(rows) {
  const groups = [];
  const byStatus = {};
  let wouldSend = 0;
  let forceable = 0;
  let recovered = 0;
  for (const row of rows) {
    const status = String(row.status || '');
    if (status === 'would_send') {
      wouldSend++;
      continue;
    }
    if (FORCEABLE_STATUSES.includes(status)) forceable++;
    if (status === 'recovered') recovered++;
    if (!byStatus[status]) {
      byStatus[status] = { status, count: 0 };
      groups.push(byStatus[status]);
    }
    byStatus[status].count++;
  }
  return { wouldSend, forceable, recovered, groups };
}

/**
 * Writes one sentence about a group of rows with the same status.
 * @param {{status: string, count: number}} group a group from groupResults
 * @return {string} the sentence
 */
function groupSentence(group) {
  const n = group.count;
  const rows = countOf(n, 'row');
  const isAre = n === 1 ? 'is' : 'are';
  const hasHave = n === 1 ? 'has' : 'have';
  switch (group.status) {
    case 'ok':
      return rows + ' ' + isAre + ' already done.';
    case 'recovered':
      return recoveredSentence(n, false);
    case 'registered':
      return rows + ' ' + isAre + ' skipped because ' + (n === 1 ? 'it is' : 'they are') + ' already registered.';
    case 'duplicate':
      return rows + ' ' + isAre + ' skipped because another row has the same email.';
    case 'interrupted':
      return (
        rows + ' ' + isAre + ' skipped because an earlier run was interrupted while sending ' +
        (n === 1 ? 'it' : 'them') + '. Check in JobMojito whether ' +
        (n === 1 ? 'this candidate' : 'these candidates') + ' got the interview, then select only ' +
        (n === 1 ? 'that row' : 'those rows') + ' and run again to send anyway (force).'
      );
    case 'invalid':
      return rows + ' ' + hasHave + ' an invalid or missing email or name.';
    case 'error':
      return rows + ' ' + hasHave + ' an error from JobMojito.';
    case 'pending':
      return rows + ' ' + isAre + ' pending: check ' + (n === 1 ? 'it' : 'them') + ' in JobMojito.';
    case 'not_sent':
      return rows + ' ' + isAre + ' not sent.';
    case 'not_yet':
      return rows + ' ' + isAre + ' not done yet.';
    case 'invited':
    case 'activated':
      return rows + ' ' + (n === 1 ? 'was' : 'were') + ' invited: JobMojito emailed the invitation.';
    case 'already_invited':
      return rows + ' ' + isAre + ' skipped because the candidate already has this interview; JobMojito sends nothing for ' +
        (n === 1 ? 'it' : 'them') + '.';
    case 'changed':
      return rows + ' changed.';
    case 'unchanged':
      return rows + ' ' + (n === 1 ? 'is' : 'are') + ' unchanged.';
    case 'other_interview':
      return rows + ' belong' + (n === 1 ? 's' : '') + ' to another interview and ' + (n === 1 ? 'is' : 'are') + ' left alone.';
    case 'settled':
      return countOf(n, 'pending row') + ' ' + (n === 1 ? 'was' : 'were') + ' settled.';
    case 'still_pending':
      return countOf(n, 'pending row') + ' ' + isAre + ' still pending.';
    default:
      return rows + ' ' + hasHave + ' a result this version of the script does not know (' + group.status + ').';
  }
}

/**
 * The sentence about rows whose link an earlier run got (in this or another sheet) and the function's record kept:
 * the run writes the link and sends nothing for them. They are neither sent, skipped nor errors.
 * @param {number} n how many rows
 * @param {boolean} done true for the closing summary (the links were written), false before the run
 * @return {string} e.g. "2 links from an earlier run were written; nothing was sent for them."
 */
function recoveredSentence(n, done) {
  const them = n === 1 ? 'it' : 'them';
  return done
    ? countOf(n, 'link') + ' from an earlier run ' + (n === 1 ? 'was' : 'were') + ' written; nothing was sent for ' + them + '.'
    : countOf(n, 'link') + ' from an earlier run will be written; nothing is sent for ' + them + '.';
}

/**
 * What a run that sends `toSend` rows uses of the JobMojito balance and what it leaves, from the dry run's
 * `credits` (see readCredits): `invitations_available` is JobMojito's "remaining invitations this period", and
 * each row sent (a link or an email invitation) uses one. When the rows exceed it, the function refuses the run
 * (409 not_enough_invitations) before anything is sent or written: the sentence says so, and the recruiter can
 * cancel.
 * @param {number} toSend rows the run would send
 * @param {?{invitations_available: ?number}|undefined} credits the dry run's balance: undefined when the answer has
 *     none (a function older than `credits`), null when it could not be read
 * @return {string} e.g. "120 invitations are left this period (83 after this run)."; '' when nothing is sent, when
 *     the answer has no balance, or when there is no limit (invitations_available null)
 */
function creditsSentence(toSend, credits) {
  if (!toSend || credits === undefined) return '';
  if (credits === null) return MESSAGES.balanceUnknown;
  const available = credits.invitations_available;
  if (available === null || available === undefined) return '';
  if (available === 0) {
    return 'No invitations are left this period, so the run would be refused before anything is sent. Ask your ' +
      'admin for more invitations.';
  }
  if (available < toSend) {
    return 'Only ' + countOf(available, 'invitation') + (available === 1 ? ' is' : ' are') + ' left this period, ' +
      'fewer than the ' + formatNumber(toSend) + ' to send, so the run would be refused before anything is sent. ' +
      'Select at most ' + countOf(available, 'new candidate') + ', or ask your admin for more invitations.';
  }
  return countOf(available, 'invitation') + (available === 1 ? ' is' : ' are') + ' left this period (' +
    formatNumber(available - toSend) + ' after this run).';
}

/**
 * The sentence about selected rows left out because a filter hides them or they were hidden by hand ('' when none).
 * @param {{filter: number, user: number}} hidden rows hidden by a filter, and by hand
 * @return {string} the sentence or ''
 */
function hiddenSentence(hidden) {
  const filter = (hidden && hidden.filter) || 0;
  const user = (hidden && hidden.user) || 0;
  const isAre = (n) => (n === 1 ? ' is' : ' are');
  if (filter && user) {
    return countOf(filter + user, 'hidden row') + ' are left out (' + formatNumber(filter) + ' by a filter, ' +
      formatNumber(user) + ' hidden by hand).';
  }
  if (filter) return countOf(filter, 'row') + ' hidden by a filter' + isAre(filter) + ' left out.';
  if (user) return countOf(user, 'hidden row') + isAre(user) + ' left out.';
  return '';
}

/**
 * Joins sentences with spaces, leaving out empty ones.
 * @param {string[]} sentences the sentences
 * @return {string} the text
 */
function joinSentences(sentences) {
  return sentences.filter(Boolean).join(' ');
}

/**
 * The question asked before a real run, from the dry run's rows. Its first words name the exact number of rows that
 * will be sent: rows hidden only in a filter view are sent too (the script cannot see a filter view), so a
 * recruiter who sees fewer rows can cancel. Then what the run uses of the JobMojito balance and what is left
 * (creditsSentence). When nothing would be sent but some rows have a link from an earlier run (`recovered`), the
 * question is whether to write those links.
 * @param {string} type "url", "invitation" or "personal_invitation"
 * @param {Array<{status: string}>} rows rows of the dry run
 * @param {{filter: number, user: number}} hidden selected rows hidden by a filter, and by hand
 * @param {?{invitations_available: ?number}=} credits the dry run's balance (see readCredits)
 * @return {string} e.g. "Send 37 email invitations? 120 invitations are left this period (83 after this run). 3 rows
 *     are skipped because they are already registered. 1 row has an invalid or missing email or name."
 */
function confirmationText(type, rows, hidden, credits) {
  const grouped = groupResults(rows);
  let groups = grouped.groups;
  let question;
  if (grouped.wouldSend === 0 && grouped.recovered > 0) {
    question = 'Write ' + countOf(grouped.recovered, 'link') + ' from an earlier run? Nothing is sent.';
    groups = groups.filter((group) => group.status !== 'recovered');
  } else {
    question =
      type === 'url'
        ? 'Generate ' + countOf(grouped.wouldSend, 'interview link') + '?'
        : type === 'personal_invitation'
          ? 'Send ' + countOf(grouped.wouldSend, 'personal invitation') + '? JobMojito emails each candidate your message.'
          : 'Send ' + countOf(grouped.wouldSend, 'email invitation') + '?';
  }
  return joinSentences(
    [question, creditsSentence(grouped.wouldSend, credits)].concat(groups.map(groupSentence), [hiddenSentence(hidden)]),
  );
}

/**
 * The text shown when the dry run found nothing new to send (and no link from an earlier run to write).
 * When some rows are already registered or pending from an interrupted run, it asks whether to send
 * them anyway (force), with what that uses of the JobMojito balance; the dialog then has Yes and No buttons.
 * @param {Array<{status: string}>} rows rows of the dry run
 * @param {{filter: number, user: number}} hidden selected rows hidden by a filter, and by hand
 * @param {?{invitations_available: ?number}=} credits the dry run's balance (see readCredits)
 * @return {string} the text
 */
function nothingNewText(rows, hidden, credits) {
  const grouped = groupResults(rows);
  const question =
    grouped.forceable > 0
      ? 'Send to ' + (grouped.forceable === 1 ? 'that row' : 'those ' + formatNumber(grouped.forceable) + ' rows') +
        ' again anyway (force)?'
      : '';
  return joinSentences(
    ['Nothing new to send in the selection.'].concat(grouped.groups.map(groupSentence), [
      hiddenSentence(hidden),
      question,
      creditsSentence(grouped.forceable, credits),
    ]),
  );
}

/**
 * The preview of a selection, from the dry run's rows.
 * @param {Array<{status: string}>} rows rows of the dry run
 * @param {{filter: number, user: number}} hidden selected rows hidden by a filter, and by hand
 * @param {?{invitations_available: ?number}=} credits the dry run's balance (see readCredits)
 * @return {string} e.g. "40 rows selected: 37 would be sent. 120 invitations are left this period (83 after this
 *     run). 3 rows are skipped because they are already registered."
 */
function previewText(rows, hidden, credits) {
  const grouped = groupResults(rows);
  return joinSentences(
    [
      countOf(rows.length, 'row') + ' selected: ' + formatNumber(grouped.wouldSend) + ' would be sent.',
      creditsSentence(grouped.wouldSend, credits),
    ].concat(
      grouped.groups.map(groupSentence),
      [hiddenSentence(hidden)],
    ),
  );
}

/**
 * The closing summary of a real run, from the latest answer row of each row: a row that a follow-up call
 * (`remaining`) answered again is counted once, by its final status. A personal invitation's `invited` and
 * `activated` rows are invitations JobMojito emailed (counted with `ok`); its `already_invited` rows are skipped, and
 * said to have spent nothing.
 * @param {string} type "url", "invitation" or "personal_invitation"
 * @param {{rows: Array<{status: string}>, error: string, stopped: boolean, stopReason?: string, done: number,
 *     total: number, emailChanged: number}} outcome the outcome of the run (rows: the latest answer row of each row;
 *     stopReason: "time" when too little of the 6 minutes was left for another call, "quota" when Google Sheets
 *     asked for a wait longer than the time left)
 * @return {string} the text
 */
function summaryText(type, outcome) {
  const counts = countStatuses(outcome.rows);
  const n = (status) => counts[status] || 0;
  const errors = n('invalid') + n('error');
  const skipped = n('registered') + n('duplicate') + n('interrupted') + n('already_invited');
  const sent = n('ok') + n('invited') + n('activated');
  // When the script stopped for time, the rows of calls it never made are not done either.
  const notYet = outcome.stopped ? Math.max(outcome.total - outcome.done, n('not_yet')) : n('not_yet');
  const progress = formatNumber(outcome.done) + ' of ' + formatNumber(outcome.total) + ' rows done';
  const sentences = [];
  if (outcome.error) {
    sentences.push(outcome.error);
    if (outcome.done > 0) sentences.push('Before that, ' + progress + '; their results are in the Sheet.');
  } else if (outcome.stopped && outcome.stopReason === 'quota') {
    sentences.push('Stopped with ' + progress + ': Google Sheets asked to wait longer than this run has time left.');
  } else if (outcome.stopped) {
    sentences.push('Stopped before the Apps Script time limit (6 minutes, dialogs included) with ' + progress + '.');
  }
  const prefix = outcome.error || outcome.stopped ? 'So far: ' : 'Done: ';
  if (sent === 0 && n('recovered') > 0) {
    // A run that only wrote links from an earlier run: say that, not "0 sent".
    sentences.push(prefix + recoveredSentence(n('recovered'), true));
  } else {
    sentences.push(prefix + sentSentence(type, sent));
    if (n('recovered')) sentences.push(recoveredSentence(n('recovered'), true));
  }
  if (errors) sentences.push(countOf(errors, 'row') + (errors === 1 ? ' has' : ' have') + ' an error.');
  if (skipped) sentences.push(countOf(skipped, 'row') + (skipped === 1 ? ' was' : ' were') + ' skipped.');
  if (n('already_invited')) {
    const k = n('already_invited');
    sentences.push(
      (k === skipped ? (k === 1 ? 'Its candidate' : 'Their candidates') : formatNumber(k) + ' of them') +
        ' already had this interview: JobMojito sent nothing and no invitation was used for ' + (k === 1 ? 'it.' : 'them.'),
    );
  }
  if (n('pending')) {
    sentences.push(
      countOf(n('pending'), 'row') + (n('pending') === 1 ? ' is' : ' are') + ' pending: check in JobMojito before running again.',
    );
  }
  if (n('not_sent')) {
    sentences.push(
      countOf(n('not_sent'), 'row') + (n('not_sent') === 1 ? ' was' : ' were') + ' not sent: run it again on the same selection to send ' +
        (n('not_sent') === 1 ? 'it.' : 'them.'),
    );
  }
  if (notYet) {
    sentences.push(
      countOf(notYet, 'row') + (notYet === 1 ? ' is' : ' are') + ' not done yet: run it again on the same selection to ' +
        'continue (rows already done are skipped).',
    );
  }
  if (outcome.emailChanged) {
    sentences.push(
      countOf(outcome.emailChanged, 'result') + ' could not be written because the email in the row changed during the run.',
    );
  }
  sentences.push('The result column tells what happened to each row.');
  return joinSentences(sentences);
}

/**
 * The closing summary's count of rows sent, in the words of the run's kind.
 * @param {string} type "url", "invitation" or "personal_invitation"
 * @param {number} sent rows registered (ok) or, for a personal invitation, emailed (invited, activated)
 * @return {string} e.g. "8 interview links created.", "8 email invitations sent.", "8 personal invitations emailed by
 *     JobMojito."
 */
function sentSentence(type, sent) {
  if (type === 'url') return countOf(sent, 'interview link') + ' created.';
  if (type === 'personal_invitation') return countOf(sent, 'personal invitation') + ' emailed by JobMojito.';
  return countOf(sent, 'email invitation') + ' sent.';
}

/**
 * The closing dialog of Refresh interview status. The rows' statuses (each row once, by its latest answer) say what
 * happened to them: changed, other_interview, settled, still_pending, invalid, not_yet; the interview stages and
 * decisions are not row statuses, so they come from the answers' summaries added up (`totals`: completed, started,
 * not_started, selected, rejected, undecided; each call counts the rows it answered).
 * @param {{rows: Array<{status: string}>, totals: Object<string, number>, error: string, stopped: boolean,
 *     stopReason?: string, done: number, total: number, emailChanged: number}} outcome the refresh's outcome
 * @return {string} e.g. "Done: 120 rows refreshed. Interviews: 30 completed, 12 started,
 *     78 not started. Decisions: 5 selected, 10 rejected, 15 undecided. 14 rows changed."
 */
function refreshSummaryText(outcome) {
  const counts = countStatuses(outcome.rows);
  const n = (status) => counts[status] || 0;
  const t = (field) => (outcome.totals && outcome.totals[field]) || 0;
  const notYet = outcome.stopped ? Math.max(outcome.total - outcome.done, n('not_yet')) : n('not_yet');
  const answered = outcome.rows.length - n('not_yet');
  const progress = formatNumber(outcome.done) + ' of ' + formatNumber(outcome.total) + ' rows done';
  const sentences = [];
  if (outcome.error) {
    sentences.push(outcome.error);
    if (outcome.done > 0) sentences.push('Before that, ' + progress + '.');
  } else if (outcome.stopped && outcome.stopReason === 'quota') {
    sentences.push('Stopped with ' + progress + ': Google Sheets asked to wait longer than this run has time left.');
  } else if (outcome.stopped) {
    sentences.push('Stopped before the Apps Script time limit (6 minutes) with ' + progress + '.');
  }
  if (outcome.error && answered === 0) return joinSentences(sentences);
  const prefix = outcome.error || outcome.stopped ? 'So far: ' : 'Done: ';
  sentences.push(prefix + countOf(answered, 'row') + ' refreshed.');
  sentences.push(
    'Interviews: ' + formatNumber(t('completed')) + ' completed, ' + formatNumber(t('started')) + ' started, ' +
      formatNumber(t('not_started')) + ' not started.',
  );
  if (t('selected') || t('rejected') || t('undecided')) {
    sentences.push(
      'Decisions: ' + formatNumber(t('selected')) + ' selected, ' + formatNumber(t('rejected')) + ' rejected, ' +
        formatNumber(t('undecided')) + ' undecided.',
    );
  }
  sentences.push(n('changed') ? countOf(n('changed'), 'row') + ' changed.' : 'No row changed.');
  if (n('other_interview')) {
    const k = n('other_interview');
    sentences.push(
      countOf(k, 'row') + (k === 1 ? ' belongs' : ' belong') + ' to another interview and ' + (k === 1 ? 'was' : 'were') +
        ' left alone.',
    );
  }
  if (n('settled')) {
    const k = n('settled');
    sentences.push(
      countOf(k, 'pending row') + (k === 1 ? ' was' : ' were') + ' settled: the candidate' + (k === 1 ? ' is' : 's are') +
        ' registered, and the result column says so.',
    );
  }
  if (n('still_pending')) {
    const k = n('still_pending');
    sentences.push(
      countOf(k, 'pending row') + (k === 1 ? ' is' : ' are') + ' still pending: neither JobMojito nor the invitation ' +
        'service knows ' + (k === 1 ? 'this candidate' : 'these candidates') + '; the result column says what to do.',
    );
  }
  if (n('invalid')) {
    const k = n('invalid');
    sentences.push(countOf(k, 'row') + (k === 1 ? ' has' : ' have') + ' no usable email and ' + (k === 1 ? 'was' : 'were') + ' left alone.');
  }
  if (notYet) {
    sentences.push(
      countOf(notYet, 'row') + (notYet === 1 ? ' is' : ' are') + ' not done yet: choose Refresh interview status again ' +
        'to continue.',
    );
  }
  if (outcome.emailChanged) {
    sentences.push(
      countOf(outcome.emailChanged, 'row') + (outcome.emailChanged === 1 ? ' was' : ' were') + ' not written because ' +
        'the email in the row changed during the refresh.',
    );
  }
  return joinSentences(sentences);
}

/**
 * The title of a menu run's dialogs: "JobMojito", or "JobMojito preview"; " (TEST MODE)" added in test mode.
 * @param {{testMode?: boolean}} settings the settings of the run
 * @param {string=} suffix a word after the name ("preview")
 * @return {string} the title
 */
function dialogTitle(settings, suffix) {
  return TITLE + (suffix ? ' ' + suffix : '') + (settings && settings.testMode ? ' (TEST MODE)' : '');
}

/**
 * A menu run's dialog text, led by the test mode sentence when test mode is on.
 * @param {{testMode?: boolean}} settings the settings of the run
 * @param {string} text the dialog's text
 * @param {string=} sentence the test mode sentence (default: MESSAGES.testModeRun; a refresh's is testModeRefresh)
 * @return {string} the text
 */
function withTestMode(settings, text, sentence) {
  return settings && settings.testMode ? joinSentences([sentence || MESSAGES.testModeRun, text]) : text;
}

/**
 * Checks the message of a personal invitation, without side effects: at most MAX_MESSAGE_CHARACTERS characters
 * (counted as the function counts them, by code point: an emoji is one), after trimming the blank lines and spaces
 * around it. An empty message is allowed (JobMojito's email then has none).
 * @param {*} message what the recruiter typed
 * @return {{ok: boolean, message: string, length: number, error: string}} the trimmed message, its length, and the
 *     sentence that refuses it ('' when ok)
 */
function checkPersonalMessage(message) {
  const text = String(message === undefined || message === null ? '' : message).trim();
  const length = Array.from(text).length;
  if (length > MAX_MESSAGE_CHARACTERS) {
    return {
      ok: false,
      message: text,
      length,
      error: 'The message has ' + formatNumber(length) + ' characters; JobMojito takes at most ' +
        formatNumber(MAX_MESSAGE_CHARACTERS) + '. Shorten it by ' + countOf(length - MAX_MESSAGE_CHARACTERS, 'character') +
        ', then send again.',
    };
  }
  return { ok: true, message: text, length, error: '' };
}

/**
 * A date-time of the hourly refresh for people: "2026-01-05 09:00 UTC".
 * @param {string} iso an ISO date-time as the script records it (Date.toISOString)
 * @return {string} the date and time to the minute, in UTC ('' when it is not a date-time)
 */
function formatUtc(iso) {
  const match = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})/.exec(String(iso || ''));
  return match ? match[1] + ' ' + match[2] + ' UTC' : '';
}

/**
 * What the settings sidebar says of the hourly refresh, from its recorded state (see hourlyState).
 * @param {{on: boolean, owner: string, since: string, lastRun: string,
 *     lastOutcome: ?{rows: number, changed: number, tabs: number, error: string, stopped: boolean}}} state
 * @return {string} e.g. "Hourly status refresh is on, turned on by ann@acme.com on 2026-01-05 09:00 UTC. Last run
 *     2026-01-05 10:00 UTC: 120 rows in 1 tab, 14 changed."
 */
function hourlyStateText(state) {
  if (!state || !state.on) return MESSAGES.hourlyOff;
  const sentences = [
    'Hourly status refresh is on, turned on by ' + (state.owner || 'an unknown account') +
      (formatUtc(state.since) ? ' on ' + formatUtc(state.since) : '') + '.',
  ];
  if (!state.lastRun) {
    sentences.push(MESSAGES.hourlyNotRunYet);
  } else {
    sentences.push('Last run ' + formatUtc(state.lastRun) + ': ' + hourlyOutcomeText(state.lastOutcome));
  }
  return joinSentences(sentences);
}

/**
 * One hourly run's outcome in words.
 * @param {?{rows: number, changed: number, tabs: number, error: string, stopped: boolean}} outcome the recorded outcome
 * @return {string} e.g. "120 rows in 2 tabs, 14 changed.", or the error sentence
 */
function hourlyOutcomeText(outcome) {
  if (!outcome) return 'its outcome was not recorded.';
  if (outcome.error) return outcome.error;
  const text = countOf(outcome.rows || 0, 'row') + ' in ' + countOf(outcome.tabs || 0, 'tab') + ', ' +
    formatNumber(outcome.changed || 0) + ' changed';
  return text + (outcome.stopped ? '; stopped before the 6-minute limit, the next run goes on.' : '.');
}

/**
 * Said to a recruiter who tries to turn the hourly refresh on or off while another account owns it.
 * @param {string} owner the owner's email
 * @param {string} onOrOff "on" or "off": what the recruiter tried
 * @return {string} the sentence, naming the owner
 */
function hourlyOwnedByOtherText(owner, onOrOff) {
  const who = owner || 'another account';
  return onOrOff === 'off'
    ? 'Only ' + who + ', who turned on the hourly status refresh, can turn it off (Google lets only the owner of a ' +
        'trigger remove it). Ask them to choose Turn off hourly status refresh.'
    : 'Hourly status refresh is already on for this Sheet, turned on by ' + who + '; it refreshes with their access. ' +
        'Only one runs per Sheet, so nothing was added.';
}

/**
 * Said to a recruiter who turns off an hourly refresh whose owner's trigger stopped running (see hourlyRecordIsStale).
 * @param {string} owner the recorded owner's email
 * @return {string} the sentence
 */
function hourlyStaleTurnedOffText(owner) {
  return 'Hourly status refresh is off. It was turned on by ' + (owner || 'another account') + ', but had not run for ' +
    'over 3 hours; if that trigger ever runs again, it removes itself.';
}

/**
 * Said to the owner who turns the hourly refresh on again.
 * @param {{since: string}} state the record
 * @return {string} the sentence
 */
function hourlyAlreadyOnText(state) {
  return 'Hourly status refresh is already on for this Sheet (you turned it on' +
    (formatUtc(state.since) ? ' on ' + formatUtc(state.since) : '') + '), so nothing was added.';
}

/**
 * Said when the hourly refresh is turned on.
 * @param {string} owner the email of the recruiter who turned it on
 * @return {string} the sentence
 */
function hourlyTurnedOnText(owner) {
  return 'Hourly status refresh is on: every hour, the interview status of every tab with an interview_status column ' +
    'is refreshed, with the access of ' + owner + '. Settings shows when it last ran; Turn off hourly status refresh ' +
    'stops it.';
}

/**
 * The language choices of the settings sidebar, from the function's answer to `"action": "languages"`, without side
 * effects. The saved code stays chosen: when the list cannot be loaded it is the only choice, and the sentence says
 * so; when the list lacks it (a language JobMojito dropped), it is added, named by its code.
 * @param {{ok: boolean, data?: Object, message?: string}} answer what callFunction gave
 * @param {string} saved the saved language code (DEFAULT_LANGUAGE when none)
 * @return {{ok: boolean, selected: string, languages: Array<{code: string, name: string}>, message: string}} the
 *     choices, in the function's order, each named "English name (local name)" when the two differ
 */
function languageChoices(answer, saved) {
  const selected = saved || DEFAULT_LANGUAGE;
  if (answer.ok !== true) {
    return {
      ok: false,
      selected,
      languages: [{ code: selected, name: selected }],
      message: MESSAGES.languagesUnavailable + ' (' + answer.message + '). The saved language (' + selected + ') is kept.',
    };
  }
  const languages = answer.data.languages.map((language) => ({
    code: language.code,
    name: language.local_name && language.local_name !== language.name ? language.name + ' (' + language.local_name + ')' : language.name,
  }));
  if (!languages.some((language) => language.code === selected)) languages.unshift({ code: selected, name: selected });
  return { ok: true, selected, languages, message: '' };
}

/**
 * Which link of the chain an error answer of the function breaks, for Test connection: the caller (sign-in,
 * allowed users), the Sheet (the access token, the spreadsheet, the tab), JobMojito, the interview, or else the
 * function itself.
 * @param {string} code the error code
 * @return {string} the check's name, as the function names its checks
 */
function checkOfError(code) {
  if (code === 'jobmojito_interview_not_found') return 'interview';
  if (/^jobmojito_/.test(code)) return 'jobmojito';
  if (/^(sheets?_|spreadsheet_)|^token_mismatch$/.test(code)) return 'sheets';
  if (/^(unauthenticated|user_not_allowed|google_certs_unavailable)$/.test(code)) return 'caller';
  return 'function';
}

/**
 * What the sidebar shows for Test connection: each link of the chain with its sentence, from the function's answer
 * to `"action": "check"` (function, caller, sheets, jobmojito, interview, credits; the function stops after the
 * first link that breaks everything after it). An error answer of the function (the caller not allowed, a bad
 * token…) is the link it breaks, after "The invitation service answered."; an unreachable function, a URL the
 * manifest does not allow, or an answer that is not the function's is the first link broken, with the sentence the
 * menu shows for it.
 * @param {{ok: boolean, data?: Object, status?: number, code?: string, message?: string}} answer what callFunction
 *     gave for the check
 * @return {{ok: boolean, headline: string, checks: Array<{name: string, ok: boolean, message: string}>}} ok when
 *     every link works; checks in the chain's order, each a ✓ or ✗ and a sentence (a broken link's says its fix)
 */
function connectionReport(answer) {
  let checks;
  if (answer.ok === true) {
    checks = answer.data.checks.map((check) => ({ name: check.name, ok: check.ok, message: check.message.trim() }));
  } else if (answer.status === 0 || answer.code === 'not_json' || answer.code === 'not_understood') {
    checks = [{ name: 'function', ok: false, message: answer.code === 'timeout' ? MESSAGES.checkTimeout : answer.message }];
  } else {
    checks = [
      { name: 'function', ok: true, message: MESSAGES.functionAnswered },
      { name: checkOfError(answer.code), ok: false, message: answer.message },
    ];
  }
  const ok = checks.every((check) => check.ok);
  return { ok, headline: ok ? MESSAGES.connectionReady : MESSAGES.connectionBroken, checks };
}

/**
 * The sentence that sends the recruiter to the settings when some are missing.
 * @param {string[]} missing names of the missing settings, e.g. ["function URL", "interview ID"]
 * @return {string} the sentence
 */
function missingSettingsText(missing) {
  return 'Before you start, fill in the ' + missing.join(' and the ') + ' in JobMojito settings (opened on the right), then save.';
}

/**
 * The toast shown while the run waits because Google Sheets asked for a pause.
 * @param {number} seconds the wait
 * @return {string} the sentence
 */
function waitingText(seconds) {
  return 'Google Sheets asks to slow down: continuing in ' + countOf(Math.ceil(seconds), 'second') + '…';
}

/**
 * The help text.
 * @return {string} what the columns and result texts mean, and where to get support
 */
function helpText() {
  return [
    'Select candidate rows (name and email in each row, headers in row 1), then choose an item of Extensions > JobMojito.',
    '',
    'Generate interview links: creates a personal interview link for each candidate, without sending email.',
    'Send email invitations: JobMojito emails each candidate an invitation.',
    'Send personal invitations…: JobMojito emails each candidate an invitation with your message (up to 2,000 ' +
      'characters), in the language chosen in Settings. Not available in test mode.',
    'Preview selection: shows what would happen, without sending or writing anything.',
    'Refresh interview status: writes each candidate\'s interview_status, score, decision and status_updated from ' +
      'JobMojito (select one cell for the whole tab). It uses no invitation.',
    'Turn on / Turn off hourly status refresh: keeps every tab with an interview_status column current, every hour; ' +
      'only the person who turned it on can turn it off.',
    'Settings…: the function URL, the interview ID, test mode and the language of personal invitations; Test ' +
      'connection there checks each step (the service, your access, this Sheet, JobMojito, the interview, the ' +
      'invitations left) and says what to fix. It also shows whether the hourly refresh is on and when it last ran.',
    'Test mode (in Settings): runs are sent as tests; JobMojito flags their results as tests, and the dialogs say TEST MODE.',
    'Rows hidden by a filter or by hand are left out. Rows hidden only in a filter view are not: the script cannot ' +
      'see filter views, so check the number of rows in the question before you answer OK.',
    'A long selection is sent in parts; if the 6 minutes Google gives a run are not enough, the closing message ' +
      'says how many rows are done, and running it again on the same selection continues.',
    '',
    'Columns written next to your data:',
    '- interview_url: the candidate\'s personal interview link.',
    '- result: what happened to the row (see below).',
    '- profile_interview_id: JobMojito\'s ID of the candidate\'s interview.',
    '- interview_status, score, decision, status_updated: written by Refresh interview status (not started, ' +
      'invited, started, completed; the score; selected, rejected…; when JobMojito last updated it, in UTC).',
    '',
    'Result texts:',
    '- ok: done; the link is in interview_url (also when an earlier run had registered the candidate: its link is ' +
      'written, nothing is sent again).',
    '- Error: <reason>: nothing was sent for this row; fix the reason (e.g. the email), then run again.',
    '- Skipped: duplicate of row N: the same email is in row N.',
    '- Skipped: already registered: the candidate was done before; nothing was sent again.',
    '- Skipped: pending from an interrupted run: check in JobMojito whether the candidate got the interview; if not, select the row and run again to send anyway (force).',
    '- Pending (run …): sent, but JobMojito\'s answer was unclear; check in JobMojito. Refresh interview status ' +
      'settles it when JobMojito knows the candidate.',
    '- ok (test): done in test mode; JobMojito flags the candidate\'s results as tests.',
    '- Invited: / Activated: JobMojito emailed the personal invitation.',
    '- Skipped: already invited: the candidate already has this interview; nothing was sent or used.',
    '',
    'Support: ask the admin who set up JobMojito for your team, or contact JobMojito support.',
  ].join('\n');
}
