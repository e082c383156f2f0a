/**
 * Where the request goes is decided by the template text, never by a variable. Pure helpers.
 *
 * Rule: the literal text before the first Liquid tag must contain `scheme://host` followed by `/`, `?` or `#`
 * (or the template has no tags at all). After rendering, the URL must still have that origin, must not contain
 * control characters (line breaks, tabs), and must not contain `.`/`..` path segments (which URL parsers resolve,
 * so a customer named ".." could otherwise move the request one directory up). Spaces and quotes are
 * percent-encoded by the URL parser.
 */
import { attempt } from '../../shared/attempt';


export class UrlRuleError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'UrlRuleError';
	}
}

const EXAMPLE = 'https://jira.example.com/rest/api/2/search?jql={{ conversation.conversationId }}';

/** Checks the template text and returns the origin every rendered URL must keep. */
export function templateOrigin(template: string): string {
	const text = template.trim();
	if (!text) throw new UrlRuleError(`The Webhook URL is empty. Enter the endpoint to call, e.g. ${EXAMPLE}`);
	const firstTag = text.search(/\{\{|\{%/);
	const literal = firstTag < 0 ? text : text.slice(0, firstTag);
	const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(literal);
	if (!scheme) {
		throw new UrlRuleError(
			firstTag === 0
				? `The Webhook URL must start with the scheme and host written out (e.g. ${EXAMPLE}): they cannot come from a variable.`
				: `The Webhook URL must start with http:// or https:// (e.g. ${EXAMPLE}).`,
		);
	}
	const protocol = scheme[1].toLowerCase();
	if (protocol !== 'http' && protocol !== 'https') {
		throw new UrlRuleError(`The Webhook URL must use http or https, not "${protocol}:".`);
	}
	let authority: string;
	if (firstTag < 0) {
		authority = literal;
	} else {
		const m = /^https?:\/\/[^/?#\\\s]+(?=[/?#])/i.exec(literal);
		if (!m) {
			throw new UrlRuleError(
				`The Webhook URL must spell out the scheme and host, followed by "/", before the first {{ }} or {% %} (e.g. ${EXAMPLE}), so a variable can never change the host the request goes to.`,
			);
		}
		authority = m[0];
	}
	const parsed = attempt(() => new URL(authority));
	if (!parsed.ok) throw new UrlRuleError(`The Webhook URL "${text}" does not start with a valid http(s) address.`);
	const url = parsed.value;
	if (url.username || url.password) {
		throw new UrlRuleError('The Webhook URL must not contain a user name or password: use a Basic Auth credential instead.');
	}
	if (!url.hostname) throw new UrlRuleError(`The Webhook URL "${text}" has no host.`);
	return url.origin;
}

/** Checks a rendered URL against the template's origin and returns the URL to call. */
export function checkRenderedUrl(rendered: string, origin: string): string {
	const value = rendered.trim();
	// spaces and quotes written in the template (e.g. jql=text ~ "…") are percent-encoded by the URL parser below
	const bad = /[\u0000-\u001f\u007f]/.exec(value);
	if (bad) {
		const what = bad[0] === '\r' || bad[0] === '\n' ? 'a line break' : 'a control character';
		throw new UrlRuleError(
			`The Webhook URL contains ${what} after inserting the variables. Keep Options → "Encode Variables in URL" on, or encode values with | url_encode.`,
		);
	}
	const parsed = attempt(() => new URL(value));
	if (!parsed.ok) throw new UrlRuleError(`The Webhook URL is not a valid URL after inserting the variables: ${value}`);
	const url = parsed.value;
	if (url.origin !== origin) {
		throw new UrlRuleError(`The variables changed the Webhook URL's host from ${origin} to ${url.origin}; the host must come from the template text.`);
	}
	if (url.username || url.password) {
		throw new UrlRuleError('The Webhook URL must not contain a user name or password after inserting the variables.');
	}
	const afterAuthority = value.replace(/^[a-z]+:\/\/[^/?#\\]*/i, '');
	const path = afterAuthority.split(/[?#]/)[0];
	for (const segment of path.split(/[/\\]/)) {
		const dots = segment.replace(/%2e/gi, '.');
		if (dots === '.' || dots === '..') {
			throw new UrlRuleError(
				`The Webhook URL path contains a "${dots}" segment after inserting the variables (a value of "." or ".." would move the request to another path). Put such values into the query string or encode them.`,
			);
		}
	}
	return url.href;
}
