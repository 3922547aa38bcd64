/**
 * Written by `make deploy` (scripts/deploy.py): the URL of the deployed Cloud Function,
 * the default for the function URL setting. Do not edit by hand; deploy again instead.
 */
const DEPLOYED_FUNCTION_URL = '';
