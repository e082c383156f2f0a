// n8n loads the nodes and credentials listed in package.json's "n8n" section from dist/; nothing else is exported.
// (The local Conversations emulator lives in the repository: require('./dist/emulator') in a clone.)
module.exports = {};
