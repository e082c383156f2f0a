// @ts-check
/**
 * Secret scan: the credential values of the run (Infobip API key, bot webhook secret, card credential) must not
 * appear in any n8n log line (every line of every process, scanned as it is written), any HTTP answer the
 * harness received, or any execution's stored data (node outputs and error messages) in n8n's database.
 * Also looks for the usual encodings a leak takes (URL-encoded, base64, JSON-escaped).
 */
const fs = require('node:fs');
const path = require('node:path');

/** The forms a secret can take when it leaks: as is, URL-encoded, base64 (e.g. inside a Basic header), JSON-escaped. */
function variants(secret) {
	const forms = new Set([secret, encodeURIComponent(secret), Buffer.from(secret).toString('base64'), JSON.stringify(secret).slice(1, -1)]);
	// a Bearer/App value without its scheme is still the secret
	const bare = secret.replace(/^(Bearer|App|Basic)\s+/i, '');
	if (bare.length >= 12) forms.add(bare);
	return [...forms].filter((f) => f.length >= 8);
}

class SecretScanner {
	/** @param {Record<string, string>} secrets name → value */
	constructor(secrets) {
		this.secrets = Object.entries(secrets).map(([name, value]) => ({ name, forms: variants(value) }));
		/** @type {Record<string, number>} where → lines / bytes scanned */
		this.scanned = {};
		/** @type {Array<{ where: string, secret: string, excerpt: string }>} */
		this.leaks = [];
	}

	/** Adds more secrets (e.g. the credentials of a second n8n) to look for from now on. */
	add(secrets) {
		for (const [name, value] of Object.entries(secrets)) this.secrets.push({ name, forms: variants(value) });
	}

	/** @param {string} where e.g. "n8n 2.40.7 main log" @param {string} text */
	scan(where, text) {
		this.scanned[where] = (this.scanned[where] ?? 0) + 1;
		for (const s of this.secrets) {
			for (const form of s.forms) {
				const at = text.indexOf(form);
				if (at >= 0) {
					this.leaks.push({ where, secret: s.name, excerpt: text.slice(Math.max(0, at - 60), at).replace(/\s+/g, ' ') + '[SECRET]' });
					break;
				}
			}
		}
	}

	/** A line sink for N8nInstance's `log` option that scans every line and appends it to `file`. */
	logSink(where, file, echo) {
		fs.mkdirSync(path.dirname(file), { recursive: true });
		const fd = fs.openSync(file, 'w');
		return (/** @type {string} */ line) => {
			this.scan(where, line);
			fs.writeSync(fd, line + '\n');
			echo?.(line);
		};
	}

	get clean() {
		return this.leaks.length === 0;
	}
}

module.exports = { SecretScanner, variants };
