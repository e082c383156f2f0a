/** An inbound message as Infobip POSTs it to the Bot URL; `over` replaces or removes (undefined) fields. */
export const inbound = (over: Record<string, unknown> = {}) => ({
	conversationId: 'conv-1',
	id: 'msg-1',
	from: '385911111111',
	to: '447860099299',
	channel: 'WHATSAPP',
	direction: 'INBOUND',
	contentType: 'TEXT',
	content: { text: 'hello' },
	createdAt: '2024-05-01T10:00:00.000+00:00',
	...over,
});
