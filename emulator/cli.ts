#!/usr/bin/env node
/* Local Infobip Conversations emulator: `infobip-conversations-emulator --help` */
import { request } from 'undici';

import { startEmulator, type EmulatorProfile } from './index';

function flags(argv: string[]): Record<string, string> {
	const out: Record<string, string> = {};
	for (let i = 0; i < argv.length; i++) {
		const a = argv[i];
		if (a.startsWith('--')) {
			const [k, v] = a.slice(2).split('=', 2);
			out[k] = v ?? (argv[i + 1] && !argv[i + 1].startsWith('--') ? argv[++i] : 'true');
		}
	}
	return out;
}

const HELP = `infobip-conversations-emulator [serve] [--port 4010] [--host 127.0.0.1] [--api-key KEY] [--profile full|documented]
    [--bot-url URL] [--bot-auth-header Authorization] [--bot-auth-value VALUE] [--bot-agent-id ID]
    [--session-timeout SECONDS] [--latency MS] [--latency-jitter MS] [--rate-limit-per-second N]
    [--error-rate 0..1] [--rate-limit-rate 0..1] [--drop-rate 0..1]
infobip-conversations-emulator inbound --url http://127.0.0.1:4010 --from 385911111111 --to 447860099299 [--channel WHATSAPP] --text "hi"

--profile full        (default) everything the emulator knows, including what only Infobip's OpenAPI description lists
--profile documented  only what Infobip's public API reference pages promise: PATCH …/metadata answers 405,
                      the Bot URL gets only conversationId, from, to, channel, contentType, content`;

async function main() {
	const [cmd = 'serve', ...rest] = process.argv.slice(2);
	const f = flags(cmd.startsWith('--') ? process.argv.slice(2) : rest);
	if (cmd === '--help' || cmd === 'help' || f.help) return console.log(HELP);
	if (cmd === 'inbound') {
		const res = await request(`${f.url ?? 'http://127.0.0.1:4010'}/_emulator/inbound`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ from: f.from, to: f.to, channel: f.channel ?? 'WHATSAPP', text: f.text }),
		});
		console.log(res.statusCode, await res.body.text());
		process.exitCode = res.statusCode === 200 ? 0 : 1;
		return;
	}
	const num = (v?: string) => (v === undefined ? undefined : Number(v));
	const emu = await startEmulator({
		profile: f.profile as EmulatorProfile | undefined,
		port: num(f.port) ?? 4010,
		host: f.host,
		apiKey: f['api-key'],
		bot: {
			url: f['bot-url'],
			authHeaderName: f['bot-auth-header'] ?? 'Authorization',
			authHeaderValue: f['bot-auth-value'],
			...(f['bot-agent-id'] ? { agentId: f['bot-agent-id'] } : {}),
			sessionTimeoutSeconds: num(f['session-timeout']) ?? 600,
		},
		faults: {
			latencyMs: num(f.latency),
			latencyJitterMs: num(f['latency-jitter']),
			rateLimitPerSecond: num(f['rate-limit-per-second']),
			errorRate: num(f['error-rate']),
			rateLimitRate: num(f['rate-limit-rate']),
			dropRate: num(f['drop-rate']),
		},
	});
	console.log(`Infobip Conversations emulator listening on ${emu.url}`);
	console.log(`  API key (credential "API Key"): ${emu.apiKey}`);
	console.log(`  Bot agent id (x-agent-id):      ${emu.botAgentId}`);
	console.log(`  Bot URL: ${f['bot-url'] ?? `(none: set with --bot-url, PUT /_emulator/config or PUT /ccaas/1/bots/${emu.botAgentId})`}`);
	console.log(`  Profile: ${emu.profile}${emu.profile === 'documented' ? ' (only what Infobip\'s public API pages promise)' : ''}`);
	const stop = () => void emu.close().then(() => process.exit(0));
	process.on('SIGINT', stop);
	process.on('SIGTERM', stop);
}

main().catch((error) => {
	console.error((error as Error).message);
	process.exit(1);
});
