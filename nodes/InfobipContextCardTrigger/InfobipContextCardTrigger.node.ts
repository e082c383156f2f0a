import { NodeConnectionTypes } from 'n8n-workflow';
import type {
	IDataObject,
	IHookFunctions,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';

import { readBody } from '../shared/webhook/body';
import { headerCredentialTest } from '../shared/webhook/credentialTest';
import { authenticateHeader, type HeaderAuthOptions } from '../shared/webhook/authenticate';
import { CREDENTIAL_CACHE_TTL_MS } from '../shared/webhook/credentialCache';
import type { InboundRequest, OutboundResponse } from '../shared/webhook/http';
import { answerJson } from '../shared/webhook/respond';
import { CARD_QUERY_STRING, conversationVariables, parseBody, parseQuery, visibleHeaders } from './helpers/request';

/** A card request carries at most a few variables; a larger body is refused (413) without starting anything. */
export const MAX_BODY_BYTES = 64 * 1024;
export const DEFAULT_CARD_FIELD = 'html';

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];

/** The card's Authorization header, checked against the Infobip Context Card Webhook credential. */
const HEADER_AUTH: HeaderAuthOptions = {
	credentialType: 'infobipCardWebhookApi',
	nodeLabel: 'Infobip Context Card Trigger',
	credentialLabel: 'Infobip Context Card Webhook',
	refused: 'no card was made',
	cacheMs: CREDENTIAL_CACHE_TTL_MS,
};

/** The query string of the setup notice, as HTML text (each & written as &amp;). */
const QUERY_HTML = CARD_QUERY_STRING.replace(/&/g, '&amp;');

export class InfobipContextCardTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Infobip Context Card Trigger',
		name: 'infobipContextCardTrigger',
		icon: { light: 'file:contextCard.svg', dark: 'file:contextCard.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{ "Card request (" + ($parameter["httpMethod"] || "GET") + ")" }}',
		description:
			'Starts the workflow when Infobip asks for a custom context card; the last node answers with the card',
		defaults: { name: 'Infobip Context Card Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{
				name: 'infobipCardWebhookApi',
				required: true,
				displayOptions: { show: { authentication: ['cardWebhookHeader'] } },
				testedBy: 'infobipCardWebhookHeader',
			},
		],
		webhooks: [
			{
				name: 'default',
				httpMethod: '={{$parameter["httpMethod"] || "GET"}}',
				// n8n runs the workflow and answers with a field of the first item of the last node that ran: the card
				// HTML Fetch Context Card puts in "html", as text/html. Not its binary "card" ("firstEntryBinary"):
				// n8n 1.123.81 sends an in-memory binary (its default binary mode) as a JSON-serialised Buffer.
				responseMode: 'lastNode',
				responseData: 'firstEntryJson',
				responsePropertyName: `={{($parameter["triggerOptions"] || {})["cardField"] || "${DEFAULT_CARD_FIELD}"}}`,
				responseContentType: 'text/html; charset=utf-8',
				path: 'card',
			},
		],
		triggerPanel: {
			header: '',
			executionsHelp: {
				inactive:
					"<b>While building your workflow</b>, click 'Listen for test event' and call this node's Test URL (with the card's query string, e.g. from Infobip's Test button) to see the request here.<br /><br /><b>Once you're happy with your workflow</b>, put the <b>Production URL</b> with the query string as the custom card's Webhook URL in Infobip and activate (publish) the workflow. Every card an agent opens then starts an execution; they show up in the executions list, not in the editor.",
				active:
					"<b>While building your workflow</b>, click 'Listen for test event' and call this node's Test URL to see an execution here.<br /><br /><b>Your workflow also runs automatically</b> for every card Infobip requests from the Production URL. Those executions show up in the executions list, not in the editor.",
			},
			activationHint:
				"Once you've finished building your workflow, paste the Production URL (with the card's query string) as the custom card's Webhook URL in Infobip and activate (publish) the workflow.",
		},
		properties: [
			{
				// n8n shows notices as text (tags are dropped), so the steps are separated by words and spaces, not markup;
				// the query string ends at a space, so it copies cleanly
				displayName: `In Infobip, open Conversations → Settings → Integrations → Custom cards and set on the card: 1. Method: this node's Method. 2. Webhook URL: this node's Production URL (under Webhook URLs above), followed by ${QUERY_HTML} 3. Authorization header: the Expected Value of this node's Infobip Context Card Webhook credential. Then activate (publish) the workflow. Each card request runs it once; the last node's card (its field "html", as Fetch Context Card outputs it) is the answer.`,
				name: 'setupNotice',
				type: 'notice',
				default: '',
			},
			{
				displayName: 'Method',
				name: 'httpMethod',
				type: 'options',
				options: METHODS.map((m) => ({ name: m, value: m })),
				default: 'GET',
				description: 'The Method set on the custom card in Infobip',
			},
			{
				displayName: 'Authentication',
				name: 'authentication',
				type: 'options',
				options: [
					{
						name: 'Card Webhook Header',
						value: 'cardWebhookHeader',
						description: 'Accept only requests with the Authorization header set on the custom card in Infobip (recommended)',
					},
					{
						name: 'None',
						value: 'none',
						description: 'Accept every request to the URL',
					},
				],
				default: 'cardWebhookHeader',
			},
			{
				displayName:
					'Warning: without authentication anyone who learns this URL gets the card for any conversation ID they guess, and with it what your next nodes fetch with their credentials (Jira issues, CRM records). Set an Authorization header on the custom card in Infobip and choose "Card Webhook Header".',
				name: 'noAuthWarning',
				type: 'notice',
				default: '',
				displayOptions: { show: { authentication: ['none'] } },
			},
			{
				displayName: 'Options',
				name: 'triggerOptions',
				type: 'collection',
				placeholder: 'Add Option',
				default: {},
				options: [
					{
						displayName: 'Card Field',
						name: 'cardField',
						type: 'string',
						default: DEFAULT_CARD_FIELD,
						description:
							'The field of the last node\'s first item whose text is sent back as the card (text/html; charset=utf-8). Fetch Context Card puts its card in "html"; a path such as "card.html" works too.',
					},
				],
			},
			{
				// n8n parses the body of a version-1 webhook node before calling it and answers 422 itself to
				// malformed JSON, unless options.binaryData is set. This hidden default keeps the stream unread, so
				// the header is checked first and a body never stops a card request.
				displayName: 'Raw Body',
				name: 'options',
				type: 'hidden',
				default: { binaryData: true },
			},
		],
	};

	methods = {
		credentialTest: { infobipCardWebhookHeader: headerCredentialTest },
	};

	/**
	 * Infobip's custom cards are set up in the portal only (no public API sets a card's Webhook URL), so there is
	 * nothing to register: the URL counts as registered, and the node's notice tells what to paste in Infobip.
	 */
	webhookMethods = {
		default: {
			async checkExists(this: IHookFunctions): Promise<boolean> {
				return true;
			},
			async create(this: IHookFunctions): Promise<boolean> {
				return true;
			},
			async delete(this: IHookFunctions): Promise<boolean> {
				return true;
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		const req = this.getRequestObject() as unknown as InboundRequest;
		const res = this.getResponseObject() as unknown as OutboundResponse;
		const answer = (status: number, body: IDataObject): IWebhookResponseData => answerJson(req, res, status, body);

		// 1. Authentication, before anything else: no execution starts, so nothing is fetched.
		let secretHeader: string | undefined;
		if (this.getNodeParameter('authentication', 'cardWebhookHeader') !== 'none') {
			const auth = await authenticateHeader(this, req.headers, HEADER_AUTH);
			if (!auth.ok) return answer(auth.status, auth.body);
			secretHeader = auth.headerName;
		}

		// 2. The body, if any (a POST/PUT/PATCH card may send the variables there too).
		const read = await readBody(req, MAX_BODY_BYTES);
		let body: unknown = {};
		switch (read.kind) {
			case 'tooLarge':
				return answer(413, {
					error: 'payload_too_large',
					message: `The request body is larger than ${read.limit} bytes; a card request carries only the conversation variables`,
				});
			case 'unreadable':
				return answer(read.status, { error: 'unreadable_body', message: read.message });
			case 'parsed':
				body = read.value ?? {};
				break;
			default: {
				const parsed = parseBody(read.bytes, [req.headers['content-type']].flat()[0]);
				if (parsed.kind === 'value') body = parsed.value;
				else if (parsed.kind === 'text') body = parsed.text;
			}
		}

		// 3. One item for the workflow; n8n answers with the last node's card when the execution ends.
		const query = parseQuery(req.originalUrl ?? req.url);
		const conversation = conversationVariables(query, body);
		const json: IDataObject = {
			conversationId: conversation.conversationId,
			conversation: { ...conversation },
			method: String(req.method ?? 'GET').toUpperCase(),
			query: query as IDataObject,
			body: body as IDataObject,
			headers: visibleHeaders(req.headers, secretHeader),
		};
		return { workflowData: [[{ json }]] };
	}
}
