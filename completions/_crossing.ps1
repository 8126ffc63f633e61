
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'crossing' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'crossing'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'crossing' {
            [CompletionResult]::new('--home', '--home', [CompletionResultType]::ParameterName, 'Where crossing keeps its own state (public keys, profiles, backup cache); default ~/.local/share/crossing')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors (for cron)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors (for cron)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('pseudonym', 'pseudonym', [CompletionResultType]::ParameterValue, 'Create, import, list and remove pseudonyms (identities made only of a key pair)')
            [CompletionResult]::new('init', 'init', [CompletionResultType]::ParameterValue, 'Record a profile: which data directory to protect, where to store it, for whom')
            [CompletionResult]::new('profile', 'profile', [CompletionResultType]::ParameterValue, 'List, show and remove profiles')
            [CompletionResult]::new('backup', 'backup', [CompletionResultType]::ParameterValue, 'Write an encrypted, deduplicated snapshot of a profile''s data directory to its store')
            [CompletionResult]::new('restore', 'restore', [CompletionResultType]::ParameterValue, 'Restore a snapshot into a data directory, verified, atomically (needs the phrase)')
            [CompletionResult]::new('snapshots', 'snapshots', [CompletionResultType]::ParameterValue, 'List the snapshots in a store')
            [CompletionResult]::new('ls', 'ls', [CompletionResultType]::ParameterValue, 'List what a snapshot holds, or one path of it and below (needs the phrase)')
            [CompletionResult]::new('diff', 'diff', [CompletionResultType]::ParameterValue, 'Show the paths added, removed and changed between two snapshots (needs the phrase)')
            [CompletionResult]::new('stats', 'stats', [CompletionResultType]::ParameterValue, 'Repository size, deduplication and per-snapshot sizes')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Verify a repository: structure, or with --read-data every byte')
            [CompletionResult]::new('repair', 'repair', [CompletionResultType]::ParameterValue, 'Rebuild a damaged or missing index from the packs, and name what is lost (needs the phrase)')
            [CompletionResult]::new('prune', 'prune', [CompletionResultType]::ParameterValue, 'Forget snapshots outside a retention policy or past --expire-after, and delete their data')
            [CompletionResult]::new('forget', 'forget', [CompletionResultType]::ParameterValue, 'Forget the named snapshots; their data is deleted by the next prune')
            [CompletionResult]::new('wipe', 'wipe', [CompletionResultType]::ParameterValue, 'Destroy a profile''s data directory and crossing''s own state, file by file (see docs/wipe.md)')
            [CompletionResult]::new('duress', 'duress', [CompletionResultType]::ParameterValue, 'Set, show or clear the unlock gate''s PIN, duress code and failure limit')
            [CompletionResult]::new('unlock', 'unlock', [CompletionResultType]::ParameterValue, 'The gate in front of a client: the PIN runs COMMAND; the duress code wipes, then does the same')
            [CompletionResult]::new('deadman', 'deadman', [CompletionResultType]::ParameterValue, 'A dead-man switch: wipe when nobody checked in for a while')
            [CompletionResult]::new('checkin', 'checkin', [CompletionResultType]::ParameterValue, 'Check in: resets the dead-man switch (every correct `unlock` does too; with an unlock gate set, this asks for the PIN)')
            [CompletionResult]::new('depart', 'depart', [CompletionResultType]::ParameterValue, 'Before a crossing: back up every profile, verify each snapshot is complete in its store, then wipe every data directory and crossing''s home')
            [CompletionResult]::new('remote-wipe', 'remote-wipe', [CompletionResultType]::ParameterValue, 'Let a trusted friend wipe this device remotely, through an object store')
            [CompletionResult]::new('writer', 'writer', [CompletionResultType]::ParameterValue, 'The devices that write a repository: list them, or revoke one that was taken')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'crossing;pseudonym' {
            [CompletionResult]::new('--home', '--home', [CompletionResultType]::ParameterName, 'Where crossing keeps its own state (public keys, profiles, backup cache); default ~/.local/share/crossing')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors (for cron)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors (for cron)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('new', 'new', [CompletionResultType]::ParameterValue, 'Make a fresh recovery phrase and show it once, with the pseudonym''s ID')
            [CompletionResult]::new('import', 'import', [CompletionResultType]::ParameterValue, 'Import a pseudonym from its existing recovery phrase')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List pseudonyms (public data only)')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one pseudonym''s public data')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Forget a pseudonym on this device (its backups stay in the store)')
            [CompletionResult]::new('certify', 'certify', [CompletionResultType]::ParameterValue, 'Make this device a certified writer of the pseudonym''s backups (needs the phrase once): every snapshot it writes is then signed, and a restore trusts only what chains to the phrase')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'crossing;pseudonym;new' {
            [CompletionResult]::new('--name', '--name', [CompletionResultType]::ParameterName, 'A local name for the pseudonym (default: "default")')
            [CompletionResult]::new('--words', '--words', [CompletionResultType]::ParameterName, 'Number of words of the recovery phrase')
            [CompletionResult]::new('--home', '--home', [CompletionResultType]::ParameterName, 'Where crossing keeps its own state (public keys, profiles, backup cache); default ~/.local/share/crossing')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON object on stdout, errors included (docs/json.md); the phrase is in it, and this is its only showing')
            [CompletionResult]::new('--no-confirm', '--no-confirm', [CompletionResultType]::ParameterName, 'On a terminal, do not ask for two words of the new phrase to check the written copy (for scripts that show the phrase elsewhere)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors (for cron)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors (for cron)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'crossing;pseudonym;import' {
            [CompletionResult]::new('--name', '--name', [CompletionResultType]::ParameterName, 'A local name for the pseudonym (default: "default")')
            [CompletionResult]::new('--phrase-file', '--phrase-file', [CompletionResultType]::ParameterName, 'Read the recovery phrase from FILE, or from standard input with "-". Without it the phrase is prompted for, without echo, on a terminal')
            [CompletionResult]::new('--home', '--home', [CompletionResultType]::ParameterName, 'Where crossing keeps its own state (public keys, profiles, backup cache); default ~/.local/share/crossing')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON object on stdout, errors included (docs/json.md)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors (for cron)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors (for cron)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'crossing;pseudonym;list' {
            [CompletionResult]::new('--home', '--home', [CompletionResultType]::ParameterName, 'Where crossing keeps its own state (public keys, profiles, backup cache); default ~/.local/share/crossing')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON object on stdout, errors included (docs/json.md)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors (for cron)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors (for cron)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'crossing;pseudonym;show' {
            [CompletionResult]::new('--home', '--home', [CompletionResultType]::ParameterName, 'Where crossing keeps its own state (public keys, profiles, backup cache); default ~/.local/share/crossing')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON object on stdout, errors included (docs/json.md)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors (for cron)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors (for cron)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'crossing;pseudonym;remove' {
            [CompletionResult]::new('--home', '--home', [CompletionResultType]::ParameterName, 'Where crossing keeps its own state (public keys, profiles, backup cache); default ~/.local/share/crossing')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors (for cron)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors (for cron)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'crossing;pseudonym;certify' {
            [CompletionResult]::new('--phrase-file', '--phrase-file', [CompletionResultType]::ParameterName, 'Read the recovery phrase from FILE, or from standard input with "-". Without it the phrase is prompted for, without echo, on a terminal')
            [CompletionResult]::new('--home', '--home', [CompletionResultType]::ParameterName, 'Where crossing keeps its own state (public keys, profiles, backup cache); default ~/.local/share/crossing')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors (for cron)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors (for cron)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'crossing;pseudonym;help' {
            [CompletionResult]::new('new', 'new', [CompletionResultType]::ParameterValue, 'Make a fresh recovery phrase and show it once, with the pseudonym''s ID')
            [CompletionResult]::new('import', 'import', [CompletionResultType]::ParameterValue, 'Import a pseudonym from its existing recovery phrase')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List pseudonyms (public data only)')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one pseudonym''s public data')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Forget a pseudonym on this device (its backups stay in the store)')
            [CompletionResult]::new('certify', 'certify', [CompletionResultType]::ParameterValue, 'Make this device a certified writer of the pseudonym''s backups (needs the phrase once): every snapshot it writes is then signed, and a restore trusts only what chains to the phrase')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'crossing;pseudonym;help;new' {
            break
        }
        'crossing;pseudonym;help;import' {
            break
        }
        'crossing;pseudonym;help;list' {
            break
        }
        'crossing;pseudonym;help;show' {
            break
        }
        'crossing;pseudonym;help;remove' {
            break
        }
        'crossing;pseudonym;help;certify' {
            break
        }
        'crossing;pseudonym;help;help' {
            break
        }
        'crossing;init' {
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'The data directory to protect (default with --client: the client''s usual location)')
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'Where snapshots go: file:///PATH, s3://BUCKET[/PREFIX], gs://BUCKET[/PREFIX], az://CONTAINER[/PREFIX] or https://ACCOUNT.blob.core.windows.net/CONTAINER[/PREFIX]. Credentials come from the environment (AWS_*, GOOGLE_*, AZURE_*)')
            [CompletionResult]::new('--store-option', '--store-option', [CompletionResultType]::ParameterName, 'A non-secret store setting kept in the profile, KEY=VALUE (repeatable): endpoint, region, allow_http, timeout, retries, retry_timeout, … (see docs/stores.md). Secrets are refused: they stay in the environment')
            [CompletionResult]::new('--pseudonym', '--pseudonym', [CompletionResultType]::ParameterName, 'The pseudonym whose key encrypts the backups (default: the only one, or "default")')
            [CompletionResult]::new('--name', '--name', [CompletionResultType]::ParameterName, 'The profile''s name (default: the client''s, "signal" or "session"; "default" for --client generic)')
            [CompletionResult]::new('--client', '--client', [CompletionResultType]::ParameterName, 'Which client''s data this is (a client''s profile leaves out its caches and logs: see `crossing profile show`)')
            [CompletionResult]::new('--exclude', '--exclude', [CompletionResultType]::ParameterName, 'Kept with the profile: every backup leaves out paths matching GLOB, relative to the data directory (gitignore-like, see `crossing backup --help`); repeatable')
            [CompletionResult]::new('--home', '--home', [CompletionResultType]::ParameterName, 'Where crossing keeps its own state (public keys, profiles, backup cache); default ~/.local/share/crossing')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON object on stdout, errors included (docs/json.md)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors (for cron)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors (for cron)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'crossing;profile' {
            [CompletionResult]::new('--home', '--home', [CompletionResultType]::ParameterName, 'Where crossing keeps its own state (public keys, profiles, backup cache); default ~/.local/share/crossing')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors (for cron)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors (for cron)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List profiles')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one profile')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Forget a profile and its backup cache (data directory and store untouched)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'crossing;profile;list' {
            [CompletionResult]::new('--home', '--home', [CompletionResultType]::ParameterName, 'Where crossing keeps its own state (public keys, profiles, backup cache); default ~/.local/share/crossing')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON object on stdout, errors included (docs/json.md)')
            [CompletionResult]::new('--names', '--names', [CompletionResultType]::ParameterName, 'Print only the names, one a line (what the shell completions use)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors (for cron)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors (for cron)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'crossing;profile;show' {
            [CompletionResult]::new('--home', '--home', [CompletionResultType]::ParameterName, 'Where crossing keeps its own state (public keys, profiles, backup cache); default ~/.local/share/crossing')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON object on stdout, errors included (docs/json.md)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors (for cron)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors (for cron)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'crossing;profile;remove' {
            [CompletionResult]::new('--home', '--home', [CompletionResultType]::ParameterName, 'Where crossing keeps its own state (public keys, profiles, backup cache); default ~/.local/share/crossing')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors (for cron)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors (for cron)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'crossing;profile;help' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List profiles')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one profile')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Forget a profile and its backup cache (data directory and store untouched)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'crossing;profile;help;list' {
            break
        }
        'crossing;profile;help;show' {
            break
        }
        'crossing;profile;help;remove' {
            break
        }
        'crossing;profile;help;help' {
            break
        }
        'crossing;backup' {
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'The profile to back up (default: the only one, or among several the one named "default"; with --data-dir and --store: "default")')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'First use without a profile: the directory to back up (creates the profile, and a pseudonym if there is none, showing its phrase once)')
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'First use without a profile: the store URL (see `crossing init --help`)')
            [CompletionResult]::new('--exclude', '--exclude', [CompletionResultType]::ParameterName, 'Leave out paths matching GLOB, relative to the data directory (gitignore-like: `*.tmp` at any depth, `/Cache` only at the top, `logs/` directories only, `**` across directories); repeatable, added to the profile''s (`crossing init --exclude`). Excluded paths are not read')
            [CompletionResult]::new('--tag', '--tag', [CompletionResultType]::ParameterName, 'A label stored in the (encrypted) snapshot; repeatable')
            [CompletionResult]::new('--expire-after', '--expire-after', [CompletionResultType]::ParameterName, 'Make the snapshot disappear at the next prune after this long (e.g. 7d, 12h)')
            [CompletionResult]::new('--store-option', '--store-option', [CompletionResultType]::ParameterName, 'A non-secret store setting, KEY=VALUE (repeatable), over the profile''s: endpoint, region, allow_http, retries, retry_timeout, … (see docs/stores.md). For this run only, except that a first backup (--data-dir with --store) keeps them in the profile it creates. Secrets stay in the environment.')
            [CompletionResult]::new('--home', '--home', [CompletionResultType]::ParameterName, 'Where crossing keeps its own state (public keys, profiles, backup cache); default ~/.local/share/crossing')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Back up every profile, one after another (each under its own lock); a profile that fails does not stop the others, and the exit code is that of the first failure')
            [CompletionResult]::new('--no-confirm', '--no-confirm', [CompletionResultType]::ParameterName, 'First use: when a new pseudonym''s phrase is shown, do not ask for two of its words to check the written copy')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Say what would be read and stored, and store nothing: no snapshot, no pack, no change to crossing''s state. Files not known unchanged are read and chunked to count the new bytes')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON object on stdout, errors included (docs/json.md): the new snapshot''s summary')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors (for cron)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors (for cron)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'crossing;restore' {
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'The profile whose store and data directory to use by default (without it: the only profile, or among several the one named "default")')
            [CompletionResult]::new('--snapshot', '--snapshot', [CompletionResultType]::ParameterName, 'Snapshot ID (or a unique prefix of it), or "latest"')
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'The store URL (default: the profile''s)')
            [CompletionResult]::new('--store-option', '--store-option', [CompletionResultType]::ParameterName, 'A non-secret store setting, KEY=VALUE (repeatable), for this run only, over the profile''s: endpoint, region, allow_http, retries, retry_timeout, … (see docs/stores.md). Secrets stay in the environment')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Where to restore (default: the profile''s data directory, or the client''s)')
            [CompletionResult]::new('--client', '--client', [CompletionResultType]::ParameterName, 'Restore to this client''s usual data directory')
            [CompletionResult]::new('--phrase-file', '--phrase-file', [CompletionResultType]::ParameterName, 'Read the recovery phrase from FILE, or from standard input with "-". Without it the phrase is prompted for, without echo, on a terminal')
            [CompletionResult]::new('--seal', '--seal', [CompletionResultType]::ParameterName, 'The seal code `depart` showed: restore exactly the snapshot it sealed, and refuse if the store does not hold that departure')
            [CompletionResult]::new('--include', '--include', [CompletionResultType]::ParameterName, 'Restore only this file or directory of the snapshot (and the directories leading to it), given relative to the data directory, e.g. `attachments.noindex/3f`; repeatable. A path the snapshot does not hold is refused (exit 2) and nothing is restored')
            [CompletionResult]::new('--home', '--home', [CompletionResultType]::ParameterName, 'Where crossing keeps its own state (public keys, profiles, backup cache); default ~/.local/share/crossing')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Replace a non-empty data directory (its old contents are kept until the new ones are in place)')
            [CompletionResult]::new('--stop-clients', '--stop-clients', [CompletionResultType]::ParameterName, 'With --force: stop the clients that have files open in the data directory first (SIGTERM, then SIGKILL after 10 s). Without it, a running client makes the restore refuse (exit 9)')
            [CompletionResult]::new('--keep-special-modes', '--keep-special-modes', [CompletionResultType]::ParameterName, 'Restore setuid, setgid and sticky bits and write permission for others as the snapshot has them (by default they are dropped)')
            [CompletionResult]::new('--adopt', '--adopt', [CompletionResultType]::ParameterName, 'When this home has no pseudonym or profile for the restored data, make them (the pseudonym from the phrase given, a profile backing the restored directory up to this store), so the next backup stores only what changed. Offered on a terminal without --adopt or --no-adopt')
            [CompletionResult]::new('--no-adopt', '--no-adopt', [CompletionResultType]::ParameterName, 'Do not offer to make that pseudonym and profile')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON object on stdout, errors included (docs/json.md)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors (for cron)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors (for cron)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'crossing;snapshots' {
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'The profile (default: the only one, or among several the one named "default")')
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'The store URL, when there is no profile (needs --phrase-file or a prompt)')
            [CompletionResult]::new('--store-option', '--store-option', [CompletionResultType]::ParameterName, 'A non-secret store setting, KEY=VALUE (repeatable), for this run only, over the profile''s: endpoint, region, allow_http, retries, retry_timeout, … (see docs/stores.md). Secrets stay in the environment')
            [CompletionResult]::new('--phrase-file', '--phrase-file', [CompletionResultType]::ParameterName, 'With the phrase, the snapshots'' contents are read too (files, bytes, tags)')
            [CompletionResult]::new('--home', '--home', [CompletionResultType]::ParameterName, 'Where crossing keeps its own state (public keys, profiles, backup cache); default ~/.local/share/crossing')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON object on stdout, errors included (docs/json.md)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors (for cron)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors (for cron)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'crossing;ls' {
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'The profile whose store to read (default: the only one, or among several the one named "default")')
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'The store URL (default: the profile''s)')
            [CompletionResult]::new('--store-option', '--store-option', [CompletionResultType]::ParameterName, 'A non-secret store setting, KEY=VALUE (repeatable), for this run only, over the profile''s: endpoint, region, allow_http, retries, retry_timeout, … (see docs/stores.md). Secrets stay in the environment')
            [CompletionResult]::new('--phrase-file', '--phrase-file', [CompletionResultType]::ParameterName, 'Read the recovery phrase from FILE, or from standard input with "-". Without it the phrase is prompted for, without echo, on a terminal')
            [CompletionResult]::new('--home', '--home', [CompletionResultType]::ParameterName, 'Where crossing keeps its own state (public keys, profiles, backup cache); default ~/.local/share/crossing')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON object on stdout, errors included (docs/json.md)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors (for cron)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors (for cron)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'crossing;diff' {
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'The profile whose store to read (default: the only one, or among several the one named "default")')
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'The store URL (default: the profile''s)')
            [CompletionResult]::new('--store-option', '--store-option', [CompletionResultType]::ParameterName, 'A non-secret store setting, KEY=VALUE (repeatable), for this run only, over the profile''s: endpoint, region, allow_http, retries, retry_timeout, … (see docs/stores.md). Secrets stay in the environment')
            [CompletionResult]::new('--phrase-file', '--phrase-file', [CompletionResultType]::ParameterName, 'Read the recovery phrase from FILE, or from standard input with "-". Without it the phrase is prompted for, without echo, on a terminal')
            [CompletionResult]::new('--home', '--home', [CompletionResultType]::ParameterName, 'Where crossing keeps its own state (public keys, profiles, backup cache); default ~/.local/share/crossing')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON object on stdout, errors included (docs/json.md)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors (for cron)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors (for cron)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'crossing;stats' {
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'The profile (default: the only one, or among several the one named "default")')
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'The store URL, when there is no profile (needs --phrase-file or a prompt)')
            [CompletionResult]::new('--store-option', '--store-option', [CompletionResultType]::ParameterName, 'A non-secret store setting, KEY=VALUE (repeatable), for this run only, over the profile''s: endpoint, region, allow_http, retries, retry_timeout, … (see docs/stores.md). Secrets stay in the environment')
            [CompletionResult]::new('--phrase-file', '--phrase-file', [CompletionResultType]::ParameterName, 'Read the snapshots'' manifests with the phrase from FILE (or standard input, "-")')
            [CompletionResult]::new('--home', '--home', [CompletionResultType]::ParameterName, 'Where crossing keeps its own state (public keys, profiles, backup cache); default ~/.local/share/crossing')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON object on stdout, errors included (docs/json.md)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors (for cron)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors (for cron)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'crossing;check' {
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'The profile (default: the only one, or among several the one named "default")')
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'The store URL, when there is no profile (needs the phrase)')
            [CompletionResult]::new('--store-option', '--store-option', [CompletionResultType]::ParameterName, 'A non-secret store setting, KEY=VALUE (repeatable), for this run only, over the profile''s: endpoint, region, allow_http, retries, retry_timeout, … (see docs/stores.md). Secrets stay in the environment')
            [CompletionResult]::new('--phrase-file', '--phrase-file', [CompletionResultType]::ParameterName, 'With the phrase, snapshots and indexes are checked too')
            [CompletionResult]::new('--home', '--home', [CompletionResultType]::ParameterName, 'Where crossing keeps its own state (public keys, profiles, backup cache); default ~/.local/share/crossing')
            [CompletionResult]::new('--read-data', '--read-data', [CompletionResultType]::ParameterName, 'Download, decrypt and authenticate every pack (needs the phrase)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON object on stdout, errors included (docs/json.md)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors (for cron)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors (for cron)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'crossing;repair' {
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'The profile (default: the only one, or among several the one named "default")')
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'The store URL, when there is no profile')
            [CompletionResult]::new('--store-option', '--store-option', [CompletionResultType]::ParameterName, 'A non-secret store setting, KEY=VALUE (repeatable), for this run only, over the profile''s: endpoint, region, allow_http, retries, retry_timeout, … (see docs/stores.md). Secrets stay in the environment')
            [CompletionResult]::new('--phrase-file', '--phrase-file', [CompletionResultType]::ParameterName, 'Read the recovery phrase from FILE, or from standard input with "-". Without it the phrase is prompted for, without echo, on a terminal')
            [CompletionResult]::new('--home', '--home', [CompletionResultType]::ParameterName, 'Where crossing keeps its own state (public keys, profiles, backup cache); default ~/.local/share/crossing')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON object on stdout, errors included (docs/json.md)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors (for cron)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors (for cron)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'crossing;prune' {
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'The profile (default: the only one, or among several the one named "default")')
            [CompletionResult]::new('--keep-last', '--keep-last', [CompletionResultType]::ParameterName, 'Keep the N newest snapshots')
            [CompletionResult]::new('--keep-within', '--keep-within', [CompletionResultType]::ParameterName, 'Keep every snapshot younger than DURATION (e.g. 7d, 36h)')
            [CompletionResult]::new('--keep-daily', '--keep-daily', [CompletionResultType]::ParameterName, 'Keep the newest snapshot of each of the last N days (UTC) that have one')
            [CompletionResult]::new('--keep-weekly', '--keep-weekly', [CompletionResultType]::ParameterName, 'Keep the newest snapshot of each of the last N ISO weeks that have one')
            [CompletionResult]::new('--phrase-file', '--phrase-file', [CompletionResultType]::ParameterName, 'Rebuild the cache from the store first (needed once when it is cold)')
            [CompletionResult]::new('--home', '--home', [CompletionResultType]::ParameterName, 'Where crossing keeps its own state (public keys, profiles, backup cache); default ~/.local/share/crossing')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Show what would be forgotten and deleted; change nothing')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON object on stdout, errors included (docs/json.md)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors (for cron)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors (for cron)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'crossing;forget' {
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'The profile (default: the only one, or among several the one named "default")')
            [CompletionResult]::new('--phrase-file', '--phrase-file', [CompletionResultType]::ParameterName, 'Rebuild the cache from the store first, so any trusted snapshot can be named')
            [CompletionResult]::new('--home', '--home', [CompletionResultType]::ParameterName, 'Where crossing keeps its own state (public keys, profiles, backup cache); default ~/.local/share/crossing')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Show what would be forgotten; change nothing')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON object on stdout, errors included (docs/json.md)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors (for cron)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors (for cron)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'crossing;wipe' {
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'The profile whose data directory to destroy (default: the only one, or among several the one named "default")')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Destroy DIR (not a profile''s) and crossing''s home; needs no state (a corrupt state.db)')
            [CompletionResult]::new('--client', '--client', [CompletionResultType]::ParameterName, 'With --data-dir: whose database key goes first (default: DIR''s profile''s client)')
            [CompletionResult]::new('--home', '--home', [CompletionResultType]::ParameterName, 'Where crossing keeps its own state (public keys, profiles, backup cache); default ~/.local/share/crossing')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Every profile''s data directory')
            [CompletionResult]::new('--keep-state', '--keep-state', [CompletionResultType]::ParameterName, 'Keep crossing''s home (state database, caches, locks); by default it is destroyed too')
            [CompletionResult]::new('--thorough', '--thorough', [CompletionResultType]::ParameterName, 'Afterwards fill the free space of each filesystem and churn its journal (slow)')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'List what would be destroyed and change nothing')
            [CompletionResult]::new('--stop-clients', '--stop-clients', [CompletionResultType]::ParameterName, 'Stop the clients (Signal, Session, …) that have files open in the data directory first: SIGTERM, then SIGKILL after 10 s. Without it, a running client makes this refuse (exit 9)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask for confirmation (needed without a terminal)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON object on stdout, errors included (docs/json.md)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors (for cron)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors (for cron)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'crossing;duress' {
            [CompletionResult]::new('--home', '--home', [CompletionResultType]::ParameterName, 'Where crossing keeps its own state (public keys, profiles, backup cache); default ~/.local/share/crossing')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors (for cron)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors (for cron)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'Set the app PIN and a duress code (each asked twice, without echo)')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Show what is set (needs the PIN)')
            [CompletionResult]::new('clear', 'clear', [CompletionResultType]::ParameterValue, 'Remove the PIN, the duress code and the failure limit (needs the PIN)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'crossing;duress;set' {
            [CompletionResult]::new('--max-failures', '--max-failures', [CompletionResultType]::ParameterName, 'Wipe after N consecutive wrong codes (at least 3; off by default). Setting the codes again keeps the limit already set unless this or --no-max-failures is given')
            [CompletionResult]::new('--home', '--home', [CompletionResultType]::ParameterName, 'Where crossing keeps its own state (public keys, profiles, backup cache); default ~/.local/share/crossing')
            [CompletionResult]::new('--no-duress-code', '--no-duress-code', [CompletionResultType]::ParameterName, 'Set only a PIN (the duress slot is filled with random bytes all the same)')
            [CompletionResult]::new('--no-max-failures', '--no-max-failures', [CompletionResultType]::ParameterName, 'Remove the failure limit set earlier')
            [CompletionResult]::new('--stdin', '--stdin', [CompletionResultType]::ParameterName, 'Read the codes as lines of standard input: the current PIN if one is set, the PIN twice, then the duress code twice')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors (for cron)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors (for cron)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'crossing;duress;status' {
            [CompletionResult]::new('--home', '--home', [CompletionResultType]::ParameterName, 'Where crossing keeps its own state (public keys, profiles, backup cache); default ~/.local/share/crossing')
            [CompletionResult]::new('--stdin', '--stdin', [CompletionResultType]::ParameterName, 'Read the PIN as a line of standard input')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON object on stdout, errors included (docs/json.md)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors (for cron)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors (for cron)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'crossing;duress;clear' {
            [CompletionResult]::new('--home', '--home', [CompletionResultType]::ParameterName, 'Where crossing keeps its own state (public keys, profiles, backup cache); default ~/.local/share/crossing')
            [CompletionResult]::new('--stdin', '--stdin', [CompletionResultType]::ParameterName, 'Read the PIN as a line of standard input')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors (for cron)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors (for cron)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'crossing;duress;help' {
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'Set the app PIN and a duress code (each asked twice, without echo)')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Show what is set (needs the PIN)')
            [CompletionResult]::new('clear', 'clear', [CompletionResultType]::ParameterValue, 'Remove the PIN, the duress code and the failure limit (needs the PIN)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'crossing;duress;help;set' {
            break
        }
        'crossing;duress;help;status' {
            break
        }
        'crossing;duress;help;clear' {
            break
        }
        'crossing;duress;help;help' {
            break
        }
        'crossing;unlock' {
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'On a duress code, wipe only this profile''s data directory (and crossing''s home); by default every profile''s')
            [CompletionResult]::new('--home', '--home', [CompletionResultType]::ParameterName, 'Where crossing keeps its own state (public keys, profiles, backup cache); default ~/.local/share/crossing')
            [CompletionResult]::new('--stdin', '--stdin', [CompletionResultType]::ParameterName, 'Read the PIN as a line of standard input (the rest is left to COMMAND)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors (for cron)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors (for cron)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'crossing;deadman' {
            [CompletionResult]::new('--home', '--home', [CompletionResultType]::ParameterName, 'Where crossing keeps its own state (public keys, profiles, backup cache); default ~/.local/share/crossing')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors (for cron)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors (for cron)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'Arm the switch: wipe when there was no check-in for DURATION (e.g. 3d, 36h)')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Show whether the switch is armed, the time left and the deadline (read-only: never wipes, records nothing)')
            [CompletionResult]::new('clear', 'clear', [CompletionResultType]::ParameterValue, 'Disarm the switch (with an unlock gate set, this asks for the PIN)')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'For cron: wipe if the time is up, else record the time that passed')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'crossing;deadman;set' {
            [CompletionResult]::new('--after', '--after', [CompletionResultType]::ParameterName, 'How long without a check-in before the wipe (at least 1h unless --force)')
            [CompletionResult]::new('--home', '--home', [CompletionResultType]::ParameterName, 'Where crossing keeps its own state (public keys, profiles, backup cache); default ~/.local/share/crossing')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Accept a period under one hour (a typo such as 3m instead of 3d would wipe the device while it is in use)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors (for cron)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors (for cron)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'crossing;deadman;status' {
            [CompletionResult]::new('--home', '--home', [CompletionResultType]::ParameterName, 'Where crossing keeps its own state (public keys, profiles, backup cache); default ~/.local/share/crossing')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON object on stdout, errors included (docs/json.md)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors (for cron)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors (for cron)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'crossing;deadman;clear' {
            [CompletionResult]::new('--home', '--home', [CompletionResultType]::ParameterName, 'Where crossing keeps its own state (public keys, profiles, backup cache); default ~/.local/share/crossing')
            [CompletionResult]::new('--stdin', '--stdin', [CompletionResultType]::ParameterName, 'Read the PIN as a line of standard input (when a gate is set)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors (for cron)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors (for cron)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'crossing;deadman;check' {
            [CompletionResult]::new('--home', '--home', [CompletionResultType]::ParameterName, 'Where crossing keeps its own state (public keys, profiles, backup cache); default ~/.local/share/crossing')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON object on stdout, errors included (docs/json.md)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors (for cron)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors (for cron)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'crossing;deadman;help' {
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'Arm the switch: wipe when there was no check-in for DURATION (e.g. 3d, 36h)')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Show whether the switch is armed, the time left and the deadline (read-only: never wipes, records nothing)')
            [CompletionResult]::new('clear', 'clear', [CompletionResultType]::ParameterValue, 'Disarm the switch (with an unlock gate set, this asks for the PIN)')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'For cron: wipe if the time is up, else record the time that passed')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'crossing;deadman;help;set' {
            break
        }
        'crossing;deadman;help;status' {
            break
        }
        'crossing;deadman;help;clear' {
            break
        }
        'crossing;deadman;help;check' {
            break
        }
        'crossing;deadman;help;help' {
            break
        }
        'crossing;checkin' {
            [CompletionResult]::new('--home', '--home', [CompletionResultType]::ParameterName, 'Where crossing keeps its own state (public keys, profiles, backup cache); default ~/.local/share/crossing')
            [CompletionResult]::new('--stdin', '--stdin', [CompletionResultType]::ParameterName, 'Read the PIN as a line of standard input (when a gate is set)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors (for cron)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors (for cron)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'crossing;depart' {
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Depart with this profile only: back up, verify and wipe its data directory and forget its records, keeping crossing''s home and the other profiles. Without it, every profile departs and the home is wiped too. (No environment fallback: a CROSSING_PROFILE set for backups must not quietly narrow a departure.)')
            [CompletionResult]::new('--crontab', '--crontab', [CompletionResultType]::ParameterName, 'With --vanish: the crontab file to clean (e.g. /etc/cron.d/crossing) instead of your own crontab (`crontab -l`)')
            [CompletionResult]::new('--home', '--home', [CompletionResultType]::ParameterName, 'Where crossing keeps its own state (public keys, profiles, backup cache); default ~/.local/share/crossing')
            [CompletionResult]::new('--thorough', '--thorough', [CompletionResultType]::ParameterName, 'Wipe with a free-space fill and journal churn (slow; see `crossing wipe --help`)')
            [CompletionResult]::new('--stop-clients', '--stop-clients', [CompletionResultType]::ParameterName, 'Stop the clients (Signal, Session, …) that have files open in the data directory first: SIGTERM, then SIGKILL after 10 s. Without it, a running client makes this refuse (exit 9)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask before wiping (needed without a terminal)')
            [CompletionResult]::new('--allow-same-disk', '--allow-same-disk', [CompletionResultType]::ParameterName, 'Wipe even though the folder store is on the same filesystem as the data directory (then the backup stays on this device: a test, or a drive you take away yourself)')
            [CompletionResult]::new('--vanish', '--vanish', [CompletionResultType]::ParameterName, 'After the wipe, also remove what names crossing on this device: the crontab lines that run it, the man pages and completions installed next to it or in your home, and this binary. Get it back after the crossing as you installed it (README: After the crossing)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON object on stdout, errors included (docs/json.md)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors (for cron)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors (for cron)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'crossing;remote-wipe' {
            [CompletionResult]::new('--home', '--home', [CompletionResultType]::ParameterName, 'Where crossing keeps its own state (public keys, profiles, backup cache); default ~/.local/share/crossing')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors (for cron)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors (for cron)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('arm', 'arm', [CompletionResultType]::ParameterValue, 'Arm this device: derive a secret shared with a friend (or make a token)')
            [CompletionResult]::new('send', 'send', [CompletionResultType]::ParameterValue, 'As the friend: write the wipe request into the channel (after checking that the arming there is the user''s)')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'On this device (no arguments): is it armed, since when, on which store and when it last checked, from its own state alone (read-only: no store is contacted, nothing fires). As the friend (--to or --token, and --store): is the device armed, was the request sent, did the device acknowledge it, and when')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'For cron (and the start of every backup): wipe if the friend sent the request')
            [CompletionResult]::new('disarm', 'disarm', [CompletionResultType]::ParameterValue, 'Forget the arming on this device and remove its channel object (with an unlock gate set, this asks for the PIN)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'crossing;remote-wipe;arm' {
            [CompletionResult]::new('--friend', '--friend', [CompletionResultType]::ParameterName, 'The friend''s pseudonym ID (05…); your phrase is asked once, not kept')
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'The store that carries the channel (any store URL crossing supports)')
            [CompletionResult]::new('--phrase-file', '--phrase-file', [CompletionResultType]::ParameterName, 'Read the recovery phrase from FILE, or from standard input with "-". Without it the phrase is prompted for, without echo, on a terminal')
            [CompletionResult]::new('--home', '--home', [CompletionResultType]::ParameterName, 'Where crossing keeps its own state (public keys, profiles, backup cache); default ~/.local/share/crossing')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Instead, print a random secret for a friend without crossing''s keys')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors (for cron)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors (for cron)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'crossing;remote-wipe;send' {
            [CompletionResult]::new('--to', '--to', [CompletionResultType]::ParameterName, 'The user''s pseudonym ID (05…); your own phrase is asked for')
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'The store that carries the channel, as the user gave it')
            [CompletionResult]::new('--phrase-file', '--phrase-file', [CompletionResultType]::ParameterName, 'Read the recovery phrase from FILE, or from standard input with "-". Without it the phrase is prompted for, without echo, on a terminal')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long --wait waits (e.g. 30m, 2h)')
            [CompletionResult]::new('--home', '--home', [CompletionResultType]::ParameterName, 'Where crossing keeps its own state (public keys, profiles, backup cache); default ~/.local/share/crossing')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'The token the user''s `arm --token` printed. It is asked for without echo on a terminal, or read as a line of standard input: never on the command line, where `ps` shows it')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'Then wait for the device''s acknowledgment (it checks from cron and at every backup), polling the channel every 5 seconds')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON object on stdout, errors included (docs/json.md): what was sent, and with --wait the acknowledgment')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors (for cron)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors (for cron)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'crossing;remote-wipe;status' {
            [CompletionResult]::new('--to', '--to', [CompletionResultType]::ParameterName, 'As the friend: the user''s pseudonym ID (05…); your own phrase is asked for')
            [CompletionResult]::new('--store', '--store', [CompletionResultType]::ParameterName, 'As the friend: the store that carries the channel, as the user gave it')
            [CompletionResult]::new('--phrase-file', '--phrase-file', [CompletionResultType]::ParameterName, 'Read the recovery phrase from FILE, or from standard input with "-". Without it the phrase is prompted for, without echo, on a terminal')
            [CompletionResult]::new('--home', '--home', [CompletionResultType]::ParameterName, 'Where crossing keeps its own state (public keys, profiles, backup cache); default ~/.local/share/crossing')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'As the friend: the token the user''s `arm --token` printed (asked for without echo, or read as a line of standard input)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON object on stdout, errors included (docs/json.md)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors (for cron)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors (for cron)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'crossing;remote-wipe;check' {
            [CompletionResult]::new('--home', '--home', [CompletionResultType]::ParameterName, 'Where crossing keeps its own state (public keys, profiles, backup cache); default ~/.local/share/crossing')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON object on stdout, errors included (docs/json.md)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors (for cron)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors (for cron)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'crossing;remote-wipe;disarm' {
            [CompletionResult]::new('--home', '--home', [CompletionResultType]::ParameterName, 'Where crossing keeps its own state (public keys, profiles, backup cache); default ~/.local/share/crossing')
            [CompletionResult]::new('--stdin', '--stdin', [CompletionResultType]::ParameterName, 'Read the PIN as a line of standard input (when a gate is set)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors (for cron)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors (for cron)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'crossing;remote-wipe;help' {
            [CompletionResult]::new('arm', 'arm', [CompletionResultType]::ParameterValue, 'Arm this device: derive a secret shared with a friend (or make a token)')
            [CompletionResult]::new('send', 'send', [CompletionResultType]::ParameterValue, 'As the friend: write the wipe request into the channel (after checking that the arming there is the user''s)')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'On this device (no arguments): is it armed, since when, on which store and when it last checked, from its own state alone (read-only: no store is contacted, nothing fires). As the friend (--to or --token, and --store): is the device armed, was the request sent, did the device acknowledge it, and when')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'For cron (and the start of every backup): wipe if the friend sent the request')
            [CompletionResult]::new('disarm', 'disarm', [CompletionResultType]::ParameterValue, 'Forget the arming on this device and remove its channel object (with an unlock gate set, this asks for the PIN)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'crossing;remote-wipe;help;arm' {
            break
        }
        'crossing;remote-wipe;help;send' {
            break
        }
        'crossing;remote-wipe;help;status' {
            break
        }
        'crossing;remote-wipe;help;check' {
            break
        }
        'crossing;remote-wipe;help;disarm' {
            break
        }
        'crossing;remote-wipe;help;help' {
            break
        }
        'crossing;writer' {
            [CompletionResult]::new('--home', '--home', [CompletionResultType]::ParameterName, 'Where crossing keeps its own state (public keys, profiles, backup cache); default ~/.local/share/crossing')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors (for cron)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors (for cron)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'Every writer the phrase certified for the profile''s repository, with its last snapshot and whether depart sealed it or it was revoked')
            [CompletionResult]::new('revoke', 'revoke', [CompletionResultType]::ParameterValue, 'Revoke a writer (a device taken without a wipe): nothing it signs after --as-of is trusted any more (needs the phrase)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'crossing;writer;list' {
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'The profile (default: the only one, or among several the one named "default")')
            [CompletionResult]::new('--phrase-file', '--phrase-file', [CompletionResultType]::ParameterName, 'Read the recovery phrase from FILE, or from standard input with "-". Without it the phrase is prompted for, without echo, on a terminal')
            [CompletionResult]::new('--home', '--home', [CompletionResultType]::ParameterName, 'Where crossing keeps its own state (public keys, profiles, backup cache); default ~/.local/share/crossing')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON object on stdout, errors included (docs/json.md)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors (for cron)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors (for cron)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'crossing;writer;revoke' {
            [CompletionResult]::new('--as-of', '--as-of', [CompletionResultType]::ParameterName, 'From when on its snapshots are untrusted: an RFC 3339 time (2026-12-01T12:00:00Z) or "now"')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'The profile (default: the only one, or among several the one named "default")')
            [CompletionResult]::new('--phrase-file', '--phrase-file', [CompletionResultType]::ParameterName, 'Read the recovery phrase from FILE, or from standard input with "-". Without it the phrase is prompted for, without echo, on a terminal')
            [CompletionResult]::new('--home', '--home', [CompletionResultType]::ParameterName, 'Where crossing keeps its own state (public keys, profiles, backup cache); default ~/.local/share/crossing')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but errors (for cron)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but errors (for cron)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'crossing;writer;help' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'Every writer the phrase certified for the profile''s repository, with its last snapshot and whether depart sealed it or it was revoked')
            [CompletionResult]::new('revoke', 'revoke', [CompletionResultType]::ParameterValue, 'Revoke a writer (a device taken without a wipe): nothing it signs after --as-of is trusted any more (needs the phrase)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'crossing;writer;help;list' {
            break
        }
        'crossing;writer;help;revoke' {
            break
        }
        'crossing;writer;help;help' {
            break
        }
        'crossing;help' {
            [CompletionResult]::new('pseudonym', 'pseudonym', [CompletionResultType]::ParameterValue, 'Create, import, list and remove pseudonyms (identities made only of a key pair)')
            [CompletionResult]::new('init', 'init', [CompletionResultType]::ParameterValue, 'Record a profile: which data directory to protect, where to store it, for whom')
            [CompletionResult]::new('profile', 'profile', [CompletionResultType]::ParameterValue, 'List, show and remove profiles')
            [CompletionResult]::new('backup', 'backup', [CompletionResultType]::ParameterValue, 'Write an encrypted, deduplicated snapshot of a profile''s data directory to its store')
            [CompletionResult]::new('restore', 'restore', [CompletionResultType]::ParameterValue, 'Restore a snapshot into a data directory, verified, atomically (needs the phrase)')
            [CompletionResult]::new('snapshots', 'snapshots', [CompletionResultType]::ParameterValue, 'List the snapshots in a store')
            [CompletionResult]::new('ls', 'ls', [CompletionResultType]::ParameterValue, 'List what a snapshot holds, or one path of it and below (needs the phrase)')
            [CompletionResult]::new('diff', 'diff', [CompletionResultType]::ParameterValue, 'Show the paths added, removed and changed between two snapshots (needs the phrase)')
            [CompletionResult]::new('stats', 'stats', [CompletionResultType]::ParameterValue, 'Repository size, deduplication and per-snapshot sizes')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Verify a repository: structure, or with --read-data every byte')
            [CompletionResult]::new('repair', 'repair', [CompletionResultType]::ParameterValue, 'Rebuild a damaged or missing index from the packs, and name what is lost (needs the phrase)')
            [CompletionResult]::new('prune', 'prune', [CompletionResultType]::ParameterValue, 'Forget snapshots outside a retention policy or past --expire-after, and delete their data')
            [CompletionResult]::new('forget', 'forget', [CompletionResultType]::ParameterValue, 'Forget the named snapshots; their data is deleted by the next prune')
            [CompletionResult]::new('wipe', 'wipe', [CompletionResultType]::ParameterValue, 'Destroy a profile''s data directory and crossing''s own state, file by file (see docs/wipe.md)')
            [CompletionResult]::new('duress', 'duress', [CompletionResultType]::ParameterValue, 'Set, show or clear the unlock gate''s PIN, duress code and failure limit')
            [CompletionResult]::new('unlock', 'unlock', [CompletionResultType]::ParameterValue, 'The gate in front of a client: the PIN runs COMMAND; the duress code wipes, then does the same')
            [CompletionResult]::new('deadman', 'deadman', [CompletionResultType]::ParameterValue, 'A dead-man switch: wipe when nobody checked in for a while')
            [CompletionResult]::new('checkin', 'checkin', [CompletionResultType]::ParameterValue, 'Check in: resets the dead-man switch (every correct `unlock` does too; with an unlock gate set, this asks for the PIN)')
            [CompletionResult]::new('depart', 'depart', [CompletionResultType]::ParameterValue, 'Before a crossing: back up every profile, verify each snapshot is complete in its store, then wipe every data directory and crossing''s home')
            [CompletionResult]::new('remote-wipe', 'remote-wipe', [CompletionResultType]::ParameterValue, 'Let a trusted friend wipe this device remotely, through an object store')
            [CompletionResult]::new('writer', 'writer', [CompletionResultType]::ParameterValue, 'The devices that write a repository: list them, or revoke one that was taken')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'crossing;help;pseudonym' {
            [CompletionResult]::new('new', 'new', [CompletionResultType]::ParameterValue, 'Make a fresh recovery phrase and show it once, with the pseudonym''s ID')
            [CompletionResult]::new('import', 'import', [CompletionResultType]::ParameterValue, 'Import a pseudonym from its existing recovery phrase')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List pseudonyms (public data only)')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one pseudonym''s public data')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Forget a pseudonym on this device (its backups stay in the store)')
            [CompletionResult]::new('certify', 'certify', [CompletionResultType]::ParameterValue, 'Make this device a certified writer of the pseudonym''s backups (needs the phrase once): every snapshot it writes is then signed, and a restore trusts only what chains to the phrase')
            break
        }
        'crossing;help;pseudonym;new' {
            break
        }
        'crossing;help;pseudonym;import' {
            break
        }
        'crossing;help;pseudonym;list' {
            break
        }
        'crossing;help;pseudonym;show' {
            break
        }
        'crossing;help;pseudonym;remove' {
            break
        }
        'crossing;help;pseudonym;certify' {
            break
        }
        'crossing;help;init' {
            break
        }
        'crossing;help;profile' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List profiles')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one profile')
            [CompletionResult]::new('remove', 'remove', [CompletionResultType]::ParameterValue, 'Forget a profile and its backup cache (data directory and store untouched)')
            break
        }
        'crossing;help;profile;list' {
            break
        }
        'crossing;help;profile;show' {
            break
        }
        'crossing;help;profile;remove' {
            break
        }
        'crossing;help;backup' {
            break
        }
        'crossing;help;restore' {
            break
        }
        'crossing;help;snapshots' {
            break
        }
        'crossing;help;ls' {
            break
        }
        'crossing;help;diff' {
            break
        }
        'crossing;help;stats' {
            break
        }
        'crossing;help;check' {
            break
        }
        'crossing;help;repair' {
            break
        }
        'crossing;help;prune' {
            break
        }
        'crossing;help;forget' {
            break
        }
        'crossing;help;wipe' {
            break
        }
        'crossing;help;duress' {
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'Set the app PIN and a duress code (each asked twice, without echo)')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Show what is set (needs the PIN)')
            [CompletionResult]::new('clear', 'clear', [CompletionResultType]::ParameterValue, 'Remove the PIN, the duress code and the failure limit (needs the PIN)')
            break
        }
        'crossing;help;duress;set' {
            break
        }
        'crossing;help;duress;status' {
            break
        }
        'crossing;help;duress;clear' {
            break
        }
        'crossing;help;unlock' {
            break
        }
        'crossing;help;deadman' {
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'Arm the switch: wipe when there was no check-in for DURATION (e.g. 3d, 36h)')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Show whether the switch is armed, the time left and the deadline (read-only: never wipes, records nothing)')
            [CompletionResult]::new('clear', 'clear', [CompletionResultType]::ParameterValue, 'Disarm the switch (with an unlock gate set, this asks for the PIN)')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'For cron: wipe if the time is up, else record the time that passed')
            break
        }
        'crossing;help;deadman;set' {
            break
        }
        'crossing;help;deadman;status' {
            break
        }
        'crossing;help;deadman;clear' {
            break
        }
        'crossing;help;deadman;check' {
            break
        }
        'crossing;help;checkin' {
            break
        }
        'crossing;help;depart' {
            break
        }
        'crossing;help;remote-wipe' {
            [CompletionResult]::new('arm', 'arm', [CompletionResultType]::ParameterValue, 'Arm this device: derive a secret shared with a friend (or make a token)')
            [CompletionResult]::new('send', 'send', [CompletionResultType]::ParameterValue, 'As the friend: write the wipe request into the channel (after checking that the arming there is the user''s)')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'On this device (no arguments): is it armed, since when, on which store and when it last checked, from its own state alone (read-only: no store is contacted, nothing fires). As the friend (--to or --token, and --store): is the device armed, was the request sent, did the device acknowledge it, and when')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'For cron (and the start of every backup): wipe if the friend sent the request')
            [CompletionResult]::new('disarm', 'disarm', [CompletionResultType]::ParameterValue, 'Forget the arming on this device and remove its channel object (with an unlock gate set, this asks for the PIN)')
            break
        }
        'crossing;help;remote-wipe;arm' {
            break
        }
        'crossing;help;remote-wipe;send' {
            break
        }
        'crossing;help;remote-wipe;status' {
            break
        }
        'crossing;help;remote-wipe;check' {
            break
        }
        'crossing;help;remote-wipe;disarm' {
            break
        }
        'crossing;help;writer' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'Every writer the phrase certified for the profile''s repository, with its last snapshot and whether depart sealed it or it was revoked')
            [CompletionResult]::new('revoke', 'revoke', [CompletionResultType]::ParameterValue, 'Revoke a writer (a device taken without a wipe): nothing it signs after --as-of is trusted any more (needs the phrase)')
            break
        }
        'crossing;help;writer;list' {
            break
        }
        'crossing;help;writer;revoke' {
            break
        }
        'crossing;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
