// n8n loads the nodes and credentials listed in package.json's "n8n" section from dist/.
// This entry point exposes the local Conversations emulator for programmatic use.
module.exports = {
	get emulator() {
		return require('./dist/emulator');
	},
};
