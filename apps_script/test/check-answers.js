'use strict';
/**
 * Answers of the function to Test connection (`"action": "check"`), in the shape docs/contract.md gives them, for the
 * unit and browser tests. The sentences are the tests' own until `make fixtures` records a check scenario (then
 * fake-function.js answers with the recording by default); the script shows each sentence as it comes and never
 * reads one, so only the shape matters to it.
 */

/** The JobMojito balance of a merchant with 120 of its 200 invitations left this period. */
const CREDITS = Object.freeze({
  invitations_available: 120,
  invitations_limit: 200,
  credits_interview_monthly: 150,
  credits_interview_extra: 10,
});

const LINKS = Object.freeze({
  function: { name: 'function', ok: true, message: 'The invitation service answered.' },
  caller: { name: 'caller', ok: true, message: 'You are allowed to use it, as ann@acme-hr.example.' },
  sheets: { name: 'sheets', ok: true, message: 'It can read and write this Sheet with your access.' },
  jobmojito: { name: 'jobmojito', ok: true, message: 'JobMojito accepted its credentials.' },
  interview: { name: 'interview', ok: true, message: 'The interview is “Sales Associate, Berlin”.' },
  credits: { name: 'credits', ok: true, message: '120 of 200 invitations are left this period.' },
});

/** Every link works. */
const ALL_GREEN = { checks: Object.values(LINKS), credits: CREDITS };

/** The interview ID is not one of the merchant's interviews: one link broken, with its fix. */
const INTERVIEW_NOT_FOUND = {
  checks: [
    LINKS.function,
    LINKS.caller,
    LINKS.sheets,
    LINKS.jobmojito,
    {
      name: 'interview',
      ok: false,
      message: 'JobMojito has no interview with this ID. Copy the interview ID from the interview in JobMojito into ' +
        'the Interview ID field, then save.',
    },
    LINKS.credits,
  ],
  credits: CREDITS,
};

/** JobMojito refuses the function's credentials: the checks stop there, and the balance is unknown. */
const CREDENTIALS_REJECTED = {
  checks: [
    LINKS.function,
    LINKS.caller,
    LINKS.sheets,
    {
      name: 'jobmojito',
      ok: false,
      message: 'JobMojito rejected the credentials of the invitation service. Ask the engineer who deployed it to renew the API key.',
    },
  ],
  credits: null,
};

/** A copy of an answer, as the fake function's `check` option takes it: `{status: 200, body}`. */
function answered(body) {
  return { status: 200, body: JSON.parse(JSON.stringify(body)) };
}

module.exports = { ALL_GREEN, CREDENTIALS_REJECTED, CREDITS, INTERVIEW_NOT_FOUND, answered };
