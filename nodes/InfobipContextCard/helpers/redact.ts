/**
 * Keeps credential secrets out of everything the node outputs, even when an endpoint echoes them back
 * (in clear, URL-encoded, or inside a Basic authorization value). Pure.
 */

export const REDACTED = '[redacted]';
/** Shorter values are not treated as secrets (they would mangle ordinary text). */
export const MIN_SECRET_LENGTH = 4;

function escapeRegExp(s: string): string {
	return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export class Redactor {
	private readonly secrets: string[];
	private readonly pattern?: RegExp;

	constructor(secrets: Iterable<string>) {
		const set = new Set<string>();
		for (const s of secrets) {
			if (typeof s !== 'string' || s.length < MIN_SECRET_LENGTH) continue;
			set.add(s);
			set.add(encodeURIComponent(s));
			set.add(encodeURIComponent(s).replace(/%20/g, '+'));
			set.add(JSON.stringify(s).slice(1, -1));
		}
		this.secrets = [...set].sort((a, b) => b.length - a.length);
		if (this.secrets.length) this.pattern = new RegExp(this.secrets.map(escapeRegExp).join('|'), 'g');
	}

	get active(): boolean {
		return this.secrets.length > 0;
	}

	private base64Hides(token: string): boolean {
		if (token.length < 8) return false;
		let decoded: string;
		try {
			decoded = Buffer.from(token.replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('utf8');
		} catch {
			return false;
		}
		return this.secrets.some((s) => decoded.includes(s));
	}

	text(value: string): string {
		if (!this.pattern || !value) return value;
		let out = value.replace(this.pattern, REDACTED);
		// Basic authorization values and other base64 wrappings of a secret
		out = out.replace(/[A-Za-z0-9+/_-]{8,}={0,2}/g, (token) => (this.base64Hides(token) ? REDACTED : token));
		return out;
	}

	/** Deep copy with every string (and key) redacted. */
	deep<T>(value: T): T {
		if (!this.pattern) return value;
		const walk = (v: unknown): unknown => {
			if (typeof v === 'string') return this.text(v);
			if (Array.isArray(v)) return v.map(walk);
			if (v && typeof v === 'object') {
				const out: Record<string, unknown> = {};
				for (const [k, inner] of Object.entries(v as Record<string, unknown>)) out[this.text(k)] = walk(inner);
				return out;
			}
			return v;
		};
		return walk(value) as T;
	}
}

/** Every string value of a credential's secret fields, including nested token data (OAuth2). */
export function collectSecrets(creds: Record<string, unknown> | undefined, fields: readonly string[]): string[] {
	if (!creds) return [];
	const out: string[] = [];
	const add = (v: unknown) => {
		if (typeof v === 'string' && v.length >= MIN_SECRET_LENGTH) out.push(v);
		else if (v && typeof v === 'object') for (const inner of Object.values(v as Record<string, unknown>)) add(inner);
	};
	for (const field of fields) {
		if (field.includes('.')) {
			let cur: unknown = creds;
			for (const part of field.split('.')) cur = cur && typeof cur === 'object' ? (cur as Record<string, unknown>)[part] : undefined;
			add(cur);
		} else {
			add(creds[field]);
		}
	}
	return out;
}
