/**
 * Calls the Cloud Function and reads its answer.
 */

/**
 * Sends one request to the function.
 * The function checks the caller with the identity token (its audience is this script's OAuth client ID)
 * and reads and writes the Sheet with the user's own OAuth token.
 * @param {string} url the function URL from the settings
 * @param {Object} body the JSON body (spreadsheet_id, sheet_id, ranges, type, interview_id, hide_menu, dry_run, force;
 *     or spreadsheet_id, sheet_id, interview_id and action "check" for Test connection)
 * @param {((data: any) => boolean)=} wellFormed what a 200 answer must look like (default: a run's answer,
 *     isWellFormedAnswer; isWellFormedCheckAnswer for the check)
 * @return {{ok: true, data: Object} | {ok: false, status: number, code: string, message: string,
 *     rows?: Object[], columns?: Object, retryAfterSeconds?: number}} the parsed 200 answer, or a plain sentence for
 *     the recruiter
 */
function callFunction(url, body, wellFormed) {
  const headers = {
    Authorization: 'Bearer ' + ScriptApp.getIdentityToken(),
    'X-Sheets-Access-Token': ScriptApp.getOAuthToken(),
  };
  let response;
  try {
    response = UrlFetchApp.fetch(url, {
      method: 'post',
      contentType: 'application/json',
      payload: JSON.stringify(body),
      headers,
      muteHttpExceptions: true,
    });
  } catch (e) {
    return fetchFailure(e);
  }
  // The function answers JSON in UTF-8; without a charset Apps Script may decode it otherwise.
  return interpretResponse(response.getResponseCode(), response.getContentText('UTF-8'), wellFormed);
}

/**
 * Tells apart why UrlFetchApp.fetch threw. Apps Script gives no code, only a sentence, so this is the one place
 * where the script reads one: a URL the manifest's urlFetchWhitelist does not allow ("… failed because the URL
 * has not been whitelisted in the script manifest."), a call that took longer than UrlFetchApp waits (about
 * 60 s: "Timeout"), or anything else (the function could not be reached).
 * @param {*} error what fetch threw
 * @return {{ok: false, status: number, code: string, message: string}} the failure, with the recruiter's sentence
 */
function fetchFailure(error) {
  const text = String((error && error.message) || error);
  if (/whitelist|allowlist/i.test(text)) {
    return { ok: false, status: 0, code: 'url_not_allowed', message: MESSAGES.urlNotAllowed };
  }
  if (/\btime-?out\b|timed out/i.test(text)) {
    return { ok: false, status: 0, code: 'timeout', message: MESSAGES.timeout };
  }
  return { ok: false, status: 0, code: 'unreachable', message: MESSAGES.unreachable };
}

/**
 * Reads an HTTP answer of the function, without side effects.
 * @param {number} status the HTTP status code
 * @param {string} text the response body
 * @param {((data: any) => boolean)=} wellFormed what a 200 answer must look like (default isWellFormedAnswer)
 * @return {{ok: true, data: Object} | {ok: false, status: number, code: string, message: string,
 *     rows?: Object[], columns?: Object, retryAfterSeconds?: number}} the answer when it is a well-formed 200
 *     answer, otherwise a plain sentence for the recruiter (with the rows and columns of a run that failed
 *     part-way, when it says them, and how long to wait before sending the same call again, when it says that)
 */
function interpretResponse(status, text, wellFormed) {
  let data;
  try {
    data = JSON.parse(text);
  } catch (_e) {
    return { ok: false, status, code: 'not_json', message: notUnderstoodMessage(status) };
  }
  if (status === 200 && (wellFormed || isWellFormedAnswer)(data)) {
    return { ok: true, data };
  }
  const error = data && typeof data === 'object' && data.error && typeof data.error === 'object' ? data.error : null;
  if (status === 200 || !error) {
    return { ok: false, status, code: 'not_understood', message: notUnderstoodMessage(status) };
  }
  const code = typeof error.code === 'string' ? error.code : '';
  /** @type {{ok: false, status: number, code: string, message: string, rows?: Object[], columns?: Object,
   *     retryAfterSeconds?: number}} */
  const failed = { ok: false, status, code, message: errorMessage(status, code, error.message) };
  const wait = retryAfterSeconds(data.retry_after_seconds !== undefined ? data.retry_after_seconds : error.retry_after_seconds);
  if (wait !== null) failed.retryAfterSeconds = wait;
  // A run that failed part-way (e.g. JobMojito rejected the credentials on a later batch)
  // still lists the rows it processed; those it could not write are the script's to write.
  if (Array.isArray(data.rows) && data.rows.every(isAnswerRow) && data.columns && typeof data.columns === 'object') {
    failed.rows = data.rows;
    failed.columns = data.columns;
  }
  return failed;
}

/**
 * Reads a `retry_after_seconds` field: a number of seconds, 0 or more.
 * @param {*} value the field's value
 * @return {?number} the seconds, or null when the field is absent or not a usable number
 */
function retryAfterSeconds(value) {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : null;
}

/**
 * Tells whether a 200 answer has the fields the script relies on.
 * @param {*} data the parsed JSON
 * @return {boolean} true when summary, rows, columns and remaining are there with the right types, and every
 *     row has its row number and status
 */
function isWellFormedAnswer(data) {
  return Boolean(
    data &&
      typeof data === 'object' &&
      data.summary &&
      typeof data.summary === 'object' &&
      Array.isArray(data.rows) &&
      data.rows.every(isAnswerRow) &&
      data.columns &&
      typeof data.columns === 'object' &&
      Array.isArray(data.remaining),
  );
}

/**
 * Tells whether one answer row has what the script switches and counts on: its sheet row number and its status
 * code (a function older than row statuses answers rows without `status`, which the script cannot count).
 * @param {*} row one entry of the answer's `rows`
 * @return {boolean} true when `row` is a whole number and `status` a non-empty string
 */
function isAnswerRow(row) {
  return Boolean(row && typeof row === 'object' && Number.isInteger(row.row) && typeof row.status === 'string' && row.status);
}

/**
 * Tells whether a 200 answer to Test connection (`"action": "check"`) has what the sidebar shows: at least one
 * check, each with its name, whether it passed and its sentence. `credits` is not needed (the credits check says it).
 * @param {*} data the parsed JSON
 * @return {boolean} true when `checks` is a non-empty list of {name: string, ok: boolean, message: string}
 */
function isWellFormedCheckAnswer(data) {
  return Boolean(
    data &&
      typeof data === 'object' &&
      Array.isArray(data.checks) &&
      data.checks.length > 0 &&
      data.checks.every(
        (check) =>
          check && typeof check === 'object' && typeof check.name === 'string' && typeof check.ok === 'boolean' &&
          typeof check.message === 'string' && check.message.trim() !== '',
      ),
  );
}

/**
 * Tells whether a 200 answer to `"action": "languages"` has what the sidebar shows: a non-empty list of languages,
 * each with its code and English name (`local_name` is optional).
 * @param {*} data the parsed JSON
 * @return {boolean} true when `languages` is a non-empty list of {code: non-empty string, name: non-empty string}
 */
function isWellFormedLanguagesAnswer(data) {
  return Boolean(
    data &&
      typeof data === 'object' &&
      Array.isArray(data.languages) &&
      data.languages.length > 0 &&
      data.languages.every(
        (language) =>
          language && typeof language === 'object' && typeof language.code === 'string' && language.code.trim() !== '' &&
          typeof language.name === 'string' && language.name.trim() !== '' &&
          (language.local_name === undefined || language.local_name === null || typeof language.local_name === 'string'),
      ),
  );
}

/**
 * Reads the JobMojito balance of a dry run's answer (`credits`): what the confirmation says the run uses and leaves.
 * @param {Object} data a well-formed 200 answer
 * @return {?{invitations_available: ?number}|undefined} undefined when the answer has no `credits` field (a
 *     function older than it); null when the function could not read the balance (`credits: null`) or sent one the
 *     script cannot read; else the credits, whose `invitations_available` is a whole number 0 or more, or null for
 *     no limit
 */
function readCredits(data) {
  if (!data || typeof data !== 'object' || !('credits' in data)) return undefined;
  const credits = data.credits;
  if (!credits || typeof credits !== 'object') return null;
  const available = credits.invitations_available;
  if (available === null || (Number.isInteger(available) && available >= 0)) return credits;
  return null;
}
