# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_crossing_global_optspecs
    string join \n home= q/quiet h/help V/version
end

function __fish_crossing_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_crossing_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_crossing_using_subcommand
    set -l cmd (__fish_crossing_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c crossing -n "__fish_crossing_needs_command" -l home -d 'Where crossing keeps its own state (public keys, profiles, backup cache); default ~/.local/share/crossing' -r -F
complete -c crossing -n "__fish_crossing_needs_command" -s q -l quiet -d 'Print nothing but errors (for cron)'
complete -c crossing -n "__fish_crossing_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c crossing -n "__fish_crossing_needs_command" -s V -l version -d 'Print version'
complete -c crossing -n "__fish_crossing_needs_command" -f -a "pseudonym" -d 'Create, import, list and remove pseudonyms (identities made only of a key pair)'
complete -c crossing -n "__fish_crossing_needs_command" -f -a "init" -d 'Record a profile: which data directory to protect, where to store it, for whom'
complete -c crossing -n "__fish_crossing_needs_command" -f -a "profile" -d 'List, show and remove profiles'
complete -c crossing -n "__fish_crossing_needs_command" -f -a "backup" -d 'Write an encrypted, deduplicated snapshot of a profile\'s data directory to its store'
complete -c crossing -n "__fish_crossing_needs_command" -f -a "restore" -d 'Restore a snapshot into a data directory, verified, atomically (needs the phrase)'
complete -c crossing -n "__fish_crossing_needs_command" -f -a "snapshots" -d 'List the snapshots in a store'
complete -c crossing -n "__fish_crossing_needs_command" -f -a "ls" -d 'List what a snapshot holds, or one path of it and below (needs the phrase)'
complete -c crossing -n "__fish_crossing_needs_command" -f -a "diff" -d 'Show the paths added, removed and changed between two snapshots (needs the phrase)'
complete -c crossing -n "__fish_crossing_needs_command" -f -a "stats" -d 'Repository size, deduplication and per-snapshot sizes'
complete -c crossing -n "__fish_crossing_needs_command" -f -a "check" -d 'Verify a repository: structure, or with --read-data every byte'
complete -c crossing -n "__fish_crossing_needs_command" -f -a "repair" -d 'Rebuild a damaged or missing index from the packs, and name what is lost (needs the phrase)'
complete -c crossing -n "__fish_crossing_needs_command" -f -a "prune" -d 'Forget snapshots outside a retention policy or past --expire-after, and delete their data'
complete -c crossing -n "__fish_crossing_needs_command" -f -a "forget" -d 'Forget the named snapshots; their data is deleted by the next prune'
complete -c crossing -n "__fish_crossing_needs_command" -f -a "wipe" -d 'Destroy a profile\'s data directory and crossing\'s own state, file by file (see docs/wipe.md)'
complete -c crossing -n "__fish_crossing_needs_command" -f -a "duress" -d 'Set, show or clear the unlock gate\'s PIN, duress code and failure limit'
complete -c crossing -n "__fish_crossing_needs_command" -f -a "unlock" -d 'The gate in front of a client: the PIN runs COMMAND; the duress code wipes, then does the same'
complete -c crossing -n "__fish_crossing_needs_command" -f -a "deadman" -d 'A dead-man switch: wipe when nobody checked in for a while'
complete -c crossing -n "__fish_crossing_needs_command" -f -a "checkin" -d 'Check in: resets the dead-man switch (every correct `unlock` does too; with an unlock gate set, this asks for the PIN)'
complete -c crossing -n "__fish_crossing_needs_command" -f -a "depart" -d 'Before a crossing: back up every profile, verify each snapshot is complete in its store, then wipe every data directory and crossing\'s home'
complete -c crossing -n "__fish_crossing_needs_command" -f -a "remote-wipe" -d 'Let a trusted friend wipe this device remotely, through an object store'
complete -c crossing -n "__fish_crossing_needs_command" -f -a "writer" -d 'The devices that write a repository: list them, or revoke one that was taken'
complete -c crossing -n "__fish_crossing_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c crossing -n "__fish_crossing_using_subcommand pseudonym; and not __fish_seen_subcommand_from new import list show remove certify help" -l home -d 'Where crossing keeps its own state (public keys, profiles, backup cache); default ~/.local/share/crossing' -r -F
complete -c crossing -n "__fish_crossing_using_subcommand pseudonym; and not __fish_seen_subcommand_from new import list show remove certify help" -s q -l quiet -d 'Print nothing but errors (for cron)'
complete -c crossing -n "__fish_crossing_using_subcommand pseudonym; and not __fish_seen_subcommand_from new import list show remove certify help" -s h -l help -d 'Print help'
complete -c crossing -n "__fish_crossing_using_subcommand pseudonym; and not __fish_seen_subcommand_from new import list show remove certify help" -f -a "new" -d 'Make a fresh recovery phrase and show it once, with the pseudonym\'s ID'
complete -c crossing -n "__fish_crossing_using_subcommand pseudonym; and not __fish_seen_subcommand_from new import list show remove certify help" -f -a "import" -d 'Import a pseudonym from its existing recovery phrase'
complete -c crossing -n "__fish_crossing_using_subcommand pseudonym; and not __fish_seen_subcommand_from new import list show remove certify help" -f -a "list" -d 'List pseudonyms (public data only)'
complete -c crossing -n "__fish_crossing_using_subcommand pseudonym; and not __fish_seen_subcommand_from new import list show remove certify help" -f -a "show" -d 'Show one pseudonym\'s public data'
complete -c crossing -n "__fish_crossing_using_subcommand pseudonym; and not __fish_seen_subcommand_from new import list show remove certify help" -f -a "remove" -d 'Forget a pseudonym on this device (its backups stay in the store)'
complete -c crossing -n "__fish_crossing_using_subcommand pseudonym; and not __fish_seen_subcommand_from new import list show remove certify help" -f -a "certify" -d 'Make this device a certified writer of the pseudonym\'s backups (needs the phrase once): every snapshot it writes is then signed, and a restore trusts only what chains to the phrase'
complete -c crossing -n "__fish_crossing_using_subcommand pseudonym; and not __fish_seen_subcommand_from new import list show remove certify help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c crossing -n "__fish_crossing_using_subcommand pseudonym; and __fish_seen_subcommand_from new" -l name -d 'A local name for the pseudonym (default: "default")' -r
complete -c crossing -n "__fish_crossing_using_subcommand pseudonym; and __fish_seen_subcommand_from new" -l words -d 'Number of words of the recovery phrase' -r
complete -c crossing -n "__fish_crossing_using_subcommand pseudonym; and __fish_seen_subcommand_from new" -l home -d 'Where crossing keeps its own state (public keys, profiles, backup cache); default ~/.local/share/crossing' -r -F
complete -c crossing -n "__fish_crossing_using_subcommand pseudonym; and __fish_seen_subcommand_from new" -l json -d 'Print one JSON object on stdout, errors included (docs/json.md); the phrase is in it, and this is its only showing'
complete -c crossing -n "__fish_crossing_using_subcommand pseudonym; and __fish_seen_subcommand_from new" -l no-confirm -d 'On a terminal, do not ask for two words of the new phrase to check the written copy (for scripts that show the phrase elsewhere)'
complete -c crossing -n "__fish_crossing_using_subcommand pseudonym; and __fish_seen_subcommand_from new" -s q -l quiet -d 'Print nothing but errors (for cron)'
complete -c crossing -n "__fish_crossing_using_subcommand pseudonym; and __fish_seen_subcommand_from new" -s h -l help -d 'Print help'
complete -c crossing -n "__fish_crossing_using_subcommand pseudonym; and __fish_seen_subcommand_from import" -l name -d 'A local name for the pseudonym (default: "default")' -r
complete -c crossing -n "__fish_crossing_using_subcommand pseudonym; and __fish_seen_subcommand_from import" -l phrase-file -d 'Read the recovery phrase from FILE, or from standard input with "-". Without it the phrase is prompted for, without echo, on a terminal' -r -F
complete -c crossing -n "__fish_crossing_using_subcommand pseudonym; and __fish_seen_subcommand_from import" -l home -d 'Where crossing keeps its own state (public keys, profiles, backup cache); default ~/.local/share/crossing' -r -F
complete -c crossing -n "__fish_crossing_using_subcommand pseudonym; and __fish_seen_subcommand_from import" -l json -d 'Print one JSON object on stdout, errors included (docs/json.md)'
complete -c crossing -n "__fish_crossing_using_subcommand pseudonym; and __fish_seen_subcommand_from import" -s q -l quiet -d 'Print nothing but errors (for cron)'
complete -c crossing -n "__fish_crossing_using_subcommand pseudonym; and __fish_seen_subcommand_from import" -s h -l help -d 'Print help'
complete -c crossing -n "__fish_crossing_using_subcommand pseudonym; and __fish_seen_subcommand_from list" -l home -d 'Where crossing keeps its own state (public keys, profiles, backup cache); default ~/.local/share/crossing' -r -F
complete -c crossing -n "__fish_crossing_using_subcommand pseudonym; and __fish_seen_subcommand_from list" -l json -d 'Print one JSON object on stdout, errors included (docs/json.md)'
complete -c crossing -n "__fish_crossing_using_subcommand pseudonym; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Print nothing but errors (for cron)'
complete -c crossing -n "__fish_crossing_using_subcommand pseudonym; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c crossing -n "__fish_crossing_using_subcommand pseudonym; and __fish_seen_subcommand_from show" -l home -d 'Where crossing keeps its own state (public keys, profiles, backup cache); default ~/.local/share/crossing' -r -F
complete -c crossing -n "__fish_crossing_using_subcommand pseudonym; and __fish_seen_subcommand_from show" -l json -d 'Print one JSON object on stdout, errors included (docs/json.md)'
complete -c crossing -n "__fish_crossing_using_subcommand pseudonym; and __fish_seen_subcommand_from show" -s q -l quiet -d 'Print nothing but errors (for cron)'
complete -c crossing -n "__fish_crossing_using_subcommand pseudonym; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help'
complete -c crossing -n "__fish_crossing_using_subcommand pseudonym; and __fish_seen_subcommand_from remove" -l home -d 'Where crossing keeps its own state (public keys, profiles, backup cache); default ~/.local/share/crossing' -r -F
complete -c crossing -n "__fish_crossing_using_subcommand pseudonym; and __fish_seen_subcommand_from remove" -s q -l quiet -d 'Print nothing but errors (for cron)'
complete -c crossing -n "__fish_crossing_using_subcommand pseudonym; and __fish_seen_subcommand_from remove" -s h -l help -d 'Print help'
complete -c crossing -n "__fish_crossing_using_subcommand pseudonym; and __fish_seen_subcommand_from certify" -l phrase-file -d 'Read the recovery phrase from FILE, or from standard input with "-". Without it the phrase is prompted for, without echo, on a terminal' -r -F
complete -c crossing -n "__fish_crossing_using_subcommand pseudonym; and __fish_seen_subcommand_from certify" -l home -d 'Where crossing keeps its own state (public keys, profiles, backup cache); default ~/.local/share/crossing' -r -F
complete -c crossing -n "__fish_crossing_using_subcommand pseudonym; and __fish_seen_subcommand_from certify" -s q -l quiet -d 'Print nothing but errors (for cron)'
complete -c crossing -n "__fish_crossing_using_subcommand pseudonym; and __fish_seen_subcommand_from certify" -s h -l help -d 'Print help'
complete -c crossing -n "__fish_crossing_using_subcommand pseudonym; and __fish_seen_subcommand_from help" -f -a "new" -d 'Make a fresh recovery phrase and show it once, with the pseudonym\'s ID'
complete -c crossing -n "__fish_crossing_using_subcommand pseudonym; and __fish_seen_subcommand_from help" -f -a "import" -d 'Import a pseudonym from its existing recovery phrase'
complete -c crossing -n "__fish_crossing_using_subcommand pseudonym; and __fish_seen_subcommand_from help" -f -a "list" -d 'List pseudonyms (public data only)'
complete -c crossing -n "__fish_crossing_using_subcommand pseudonym; and __fish_seen_subcommand_from help" -f -a "show" -d 'Show one pseudonym\'s public data'
complete -c crossing -n "__fish_crossing_using_subcommand pseudonym; and __fish_seen_subcommand_from help" -f -a "remove" -d 'Forget a pseudonym on this device (its backups stay in the store)'
complete -c crossing -n "__fish_crossing_using_subcommand pseudonym; and __fish_seen_subcommand_from help" -f -a "certify" -d 'Make this device a certified writer of the pseudonym\'s backups (needs the phrase once): every snapshot it writes is then signed, and a restore trusts only what chains to the phrase'
complete -c crossing -n "__fish_crossing_using_subcommand pseudonym; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c crossing -n "__fish_crossing_using_subcommand init" -l data-dir -d 'The data directory to protect (default with --client: the client\'s usual location)' -r -F
complete -c crossing -n "__fish_crossing_using_subcommand init" -l store -d 'Where snapshots go: file:///PATH, s3://BUCKET[/PREFIX], gs://BUCKET[/PREFIX], az://CONTAINER[/PREFIX] or https://ACCOUNT.blob.core.windows.net/CONTAINER[/PREFIX]. Credentials come from the environment (AWS_*, GOOGLE_*, AZURE_*)' -r
complete -c crossing -n "__fish_crossing_using_subcommand init" -l store-option -d 'A non-secret store setting kept in the profile, KEY=VALUE (repeatable): endpoint, region, allow_http, timeout, retries, retry_timeout, … (see docs/stores.md). Secrets are refused: they stay in the environment' -r
complete -c crossing -n "__fish_crossing_using_subcommand init" -l pseudonym -d 'The pseudonym whose key encrypts the backups (default: the only one, or "default")' -r
complete -c crossing -n "__fish_crossing_using_subcommand init" -l name -d 'The profile\'s name (default: the client\'s, "signal" or "session"; "default" for --client generic)' -r
complete -c crossing -n "__fish_crossing_using_subcommand init" -l client -d 'Which client\'s data this is (a client\'s profile leaves out its caches and logs: see `crossing profile show`)' -r -f -a "session\t'Session Desktop'
signal\t'Signal Desktop'
generic\t'Any folder (--data-dir required)'"
complete -c crossing -n "__fish_crossing_using_subcommand init" -l exclude -d 'Kept with the profile: every backup leaves out paths matching GLOB, relative to the data directory (gitignore-like, see `crossing backup --help`); repeatable' -r
complete -c crossing -n "__fish_crossing_using_subcommand init" -l home -d 'Where crossing keeps its own state (public keys, profiles, backup cache); default ~/.local/share/crossing' -r -F
complete -c crossing -n "__fish_crossing_using_subcommand init" -l json -d 'Print one JSON object on stdout, errors included (docs/json.md)'
complete -c crossing -n "__fish_crossing_using_subcommand init" -s q -l quiet -d 'Print nothing but errors (for cron)'
complete -c crossing -n "__fish_crossing_using_subcommand init" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c crossing -n "__fish_crossing_using_subcommand profile; and not __fish_seen_subcommand_from list show remove help" -l home -d 'Where crossing keeps its own state (public keys, profiles, backup cache); default ~/.local/share/crossing' -r -F
complete -c crossing -n "__fish_crossing_using_subcommand profile; and not __fish_seen_subcommand_from list show remove help" -s q -l quiet -d 'Print nothing but errors (for cron)'
complete -c crossing -n "__fish_crossing_using_subcommand profile; and not __fish_seen_subcommand_from list show remove help" -s h -l help -d 'Print help'
complete -c crossing -n "__fish_crossing_using_subcommand profile; and not __fish_seen_subcommand_from list show remove help" -f -a "list" -d 'List profiles'
complete -c crossing -n "__fish_crossing_using_subcommand profile; and not __fish_seen_subcommand_from list show remove help" -f -a "show" -d 'Show one profile'
complete -c crossing -n "__fish_crossing_using_subcommand profile; and not __fish_seen_subcommand_from list show remove help" -f -a "remove" -d 'Forget a profile and its backup cache (data directory and store untouched)'
complete -c crossing -n "__fish_crossing_using_subcommand profile; and not __fish_seen_subcommand_from list show remove help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c crossing -n "__fish_crossing_using_subcommand profile; and __fish_seen_subcommand_from list" -l home -d 'Where crossing keeps its own state (public keys, profiles, backup cache); default ~/.local/share/crossing' -r -F
complete -c crossing -n "__fish_crossing_using_subcommand profile; and __fish_seen_subcommand_from list" -l json -d 'Print one JSON object on stdout, errors included (docs/json.md)'
complete -c crossing -n "__fish_crossing_using_subcommand profile; and __fish_seen_subcommand_from list" -l names -d 'Print only the names, one a line (what the shell completions use)'
complete -c crossing -n "__fish_crossing_using_subcommand profile; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Print nothing but errors (for cron)'
complete -c crossing -n "__fish_crossing_using_subcommand profile; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c crossing -n "__fish_crossing_using_subcommand profile; and __fish_seen_subcommand_from show" -l home -d 'Where crossing keeps its own state (public keys, profiles, backup cache); default ~/.local/share/crossing' -r -F
complete -c crossing -n "__fish_crossing_using_subcommand profile; and __fish_seen_subcommand_from show" -l json -d 'Print one JSON object on stdout, errors included (docs/json.md)'
complete -c crossing -n "__fish_crossing_using_subcommand profile; and __fish_seen_subcommand_from show" -s q -l quiet -d 'Print nothing but errors (for cron)'
complete -c crossing -n "__fish_crossing_using_subcommand profile; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help'
complete -c crossing -n "__fish_crossing_using_subcommand profile; and __fish_seen_subcommand_from remove" -l home -d 'Where crossing keeps its own state (public keys, profiles, backup cache); default ~/.local/share/crossing' -r -F
complete -c crossing -n "__fish_crossing_using_subcommand profile; and __fish_seen_subcommand_from remove" -s q -l quiet -d 'Print nothing but errors (for cron)'
complete -c crossing -n "__fish_crossing_using_subcommand profile; and __fish_seen_subcommand_from remove" -s h -l help -d 'Print help'
complete -c crossing -n "__fish_crossing_using_subcommand profile; and __fish_seen_subcommand_from help" -f -a "list" -d 'List profiles'
complete -c crossing -n "__fish_crossing_using_subcommand profile; and __fish_seen_subcommand_from help" -f -a "show" -d 'Show one profile'
complete -c crossing -n "__fish_crossing_using_subcommand profile; and __fish_seen_subcommand_from help" -f -a "remove" -d 'Forget a profile and its backup cache (data directory and store untouched)'
complete -c crossing -n "__fish_crossing_using_subcommand profile; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c crossing -n "__fish_crossing_using_subcommand backup" -l profile -d 'The profile to back up (default: the only one, or among several the one named "default"; with --data-dir and --store: "default")' -r -f -a "(crossing profile list --names 2>/dev/null)"
complete -c crossing -n "__fish_crossing_using_subcommand backup" -l data-dir -d 'First use without a profile: the directory to back up (creates the profile, and a pseudonym if there is none, showing its phrase once)' -r -F
complete -c crossing -n "__fish_crossing_using_subcommand backup" -l store -d 'First use without a profile: the store URL (see `crossing init --help`)' -r
complete -c crossing -n "__fish_crossing_using_subcommand backup" -l exclude -d 'Leave out paths matching GLOB, relative to the data directory (gitignore-like: `*.tmp` at any depth, `/Cache` only at the top, `logs/` directories only, `**` across directories); repeatable, added to the profile\'s (`crossing init --exclude`). Excluded paths are not read' -r
complete -c crossing -n "__fish_crossing_using_subcommand backup" -l tag -d 'A label stored in the (encrypted) snapshot; repeatable' -r
complete -c crossing -n "__fish_crossing_using_subcommand backup" -l expire-after -d 'Make the snapshot disappear at the next prune after this long (e.g. 7d, 12h)' -r
complete -c crossing -n "__fish_crossing_using_subcommand backup" -l store-option -d 'A non-secret store setting, KEY=VALUE (repeatable), over the profile\'s: endpoint, region, allow_http, retries, retry_timeout, … (see docs/stores.md). For this run only, except that a first backup (--data-dir with --store) keeps them in the profile it creates. Secrets stay in the environment.' -r
complete -c crossing -n "__fish_crossing_using_subcommand backup" -l home -d 'Where crossing keeps its own state (public keys, profiles, backup cache); default ~/.local/share/crossing' -r -F
complete -c crossing -n "__fish_crossing_using_subcommand backup" -l all -d 'Back up every profile, one after another (each under its own lock); a profile that fails does not stop the others, and the exit code is that of the first failure'
complete -c crossing -n "__fish_crossing_using_subcommand backup" -l no-confirm -d 'First use: when a new pseudonym\'s phrase is shown, do not ask for two of its words to check the written copy'
complete -c crossing -n "__fish_crossing_using_subcommand backup" -l dry-run -d 'Say what would be read and stored, and store nothing: no snapshot, no pack, no change to crossing\'s state. Files not known unchanged are read and chunked to count the new bytes'
complete -c crossing -n "__fish_crossing_using_subcommand backup" -l json -d 'Print one JSON object on stdout, errors included (docs/json.md): the new snapshot\'s summary'
complete -c crossing -n "__fish_crossing_using_subcommand backup" -s q -l quiet -d 'Print nothing but errors (for cron)'
complete -c crossing -n "__fish_crossing_using_subcommand backup" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c crossing -n "__fish_crossing_using_subcommand restore" -l profile -d 'The profile whose store and data directory to use by default (without it: the only profile, or among several the one named "default")' -r -f -a "(crossing profile list --names 2>/dev/null)"
complete -c crossing -n "__fish_crossing_using_subcommand restore" -l snapshot -d 'Snapshot ID (or a unique prefix of it), or "latest"' -r
complete -c crossing -n "__fish_crossing_using_subcommand restore" -l store -d 'The store URL (default: the profile\'s)' -r
complete -c crossing -n "__fish_crossing_using_subcommand restore" -l store-option -d 'A non-secret store setting, KEY=VALUE (repeatable), for this run only, over the profile\'s: endpoint, region, allow_http, retries, retry_timeout, … (see docs/stores.md). Secrets stay in the environment' -r
complete -c crossing -n "__fish_crossing_using_subcommand restore" -l data-dir -d 'Where to restore (default: the profile\'s data directory, or the client\'s)' -r -F
complete -c crossing -n "__fish_crossing_using_subcommand restore" -l client -d 'Restore to this client\'s usual data directory' -r -f -a "session\t'Session Desktop'
signal\t'Signal Desktop'
generic\t'Any folder (--data-dir required)'"
complete -c crossing -n "__fish_crossing_using_subcommand restore" -l phrase-file -d 'Read the recovery phrase from FILE, or from standard input with "-". Without it the phrase is prompted for, without echo, on a terminal' -r -F
complete -c crossing -n "__fish_crossing_using_subcommand restore" -l seal -d 'The seal code `depart` showed: restore exactly the snapshot it sealed, and refuse if the store does not hold that departure' -r
complete -c crossing -n "__fish_crossing_using_subcommand restore" -l include -d 'Restore only this file or directory of the snapshot (and the directories leading to it), given relative to the data directory, e.g. `attachments.noindex/3f`; repeatable. A path the snapshot does not hold is refused (exit 2) and nothing is restored' -r -F
complete -c crossing -n "__fish_crossing_using_subcommand restore" -l home -d 'Where crossing keeps its own state (public keys, profiles, backup cache); default ~/.local/share/crossing' -r -F
complete -c crossing -n "__fish_crossing_using_subcommand restore" -l force -d 'Replace a non-empty data directory (its old contents are kept until the new ones are in place)'
complete -c crossing -n "__fish_crossing_using_subcommand restore" -l stop-clients -d 'With --force: stop the clients that have files open in the data directory first (SIGTERM, then SIGKILL after 10 s). Without it, a running client makes the restore refuse (exit 9)'
complete -c crossing -n "__fish_crossing_using_subcommand restore" -l keep-special-modes -d 'Restore setuid, setgid and sticky bits and write permission for others as the snapshot has them (by default they are dropped)'
complete -c crossing -n "__fish_crossing_using_subcommand restore" -l adopt -d 'When this home has no pseudonym or profile for the restored data, make them (the pseudonym from the phrase given, a profile backing the restored directory up to this store), so the next backup stores only what changed. Offered on a terminal without --adopt or --no-adopt'
complete -c crossing -n "__fish_crossing_using_subcommand restore" -l no-adopt -d 'Do not offer to make that pseudonym and profile'
complete -c crossing -n "__fish_crossing_using_subcommand restore" -l json -d 'Print one JSON object on stdout, errors included (docs/json.md)'
complete -c crossing -n "__fish_crossing_using_subcommand restore" -s q -l quiet -d 'Print nothing but errors (for cron)'
complete -c crossing -n "__fish_crossing_using_subcommand restore" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c crossing -n "__fish_crossing_using_subcommand snapshots" -l profile -d 'The profile (default: the only one, or among several the one named "default")' -r -f -a "(crossing profile list --names 2>/dev/null)"
complete -c crossing -n "__fish_crossing_using_subcommand snapshots" -l store -d 'The store URL, when there is no profile (needs --phrase-file or a prompt)' -r
complete -c crossing -n "__fish_crossing_using_subcommand snapshots" -l store-option -d 'A non-secret store setting, KEY=VALUE (repeatable), for this run only, over the profile\'s: endpoint, region, allow_http, retries, retry_timeout, … (see docs/stores.md). Secrets stay in the environment' -r
complete -c crossing -n "__fish_crossing_using_subcommand snapshots" -l phrase-file -d 'With the phrase, the snapshots\' contents are read too (files, bytes, tags)' -r -F
complete -c crossing -n "__fish_crossing_using_subcommand snapshots" -l home -d 'Where crossing keeps its own state (public keys, profiles, backup cache); default ~/.local/share/crossing' -r -F
complete -c crossing -n "__fish_crossing_using_subcommand snapshots" -l json -d 'Print one JSON object on stdout, errors included (docs/json.md)'
complete -c crossing -n "__fish_crossing_using_subcommand snapshots" -s q -l quiet -d 'Print nothing but errors (for cron)'
complete -c crossing -n "__fish_crossing_using_subcommand snapshots" -s h -l help -d 'Print help'
complete -c crossing -n "__fish_crossing_using_subcommand ls" -l profile -d 'The profile whose store to read (default: the only one, or among several the one named "default")' -r -f -a "(crossing profile list --names 2>/dev/null)"
complete -c crossing -n "__fish_crossing_using_subcommand ls" -l store -d 'The store URL (default: the profile\'s)' -r
complete -c crossing -n "__fish_crossing_using_subcommand ls" -l store-option -d 'A non-secret store setting, KEY=VALUE (repeatable), for this run only, over the profile\'s: endpoint, region, allow_http, retries, retry_timeout, … (see docs/stores.md). Secrets stay in the environment' -r
complete -c crossing -n "__fish_crossing_using_subcommand ls" -l phrase-file -d 'Read the recovery phrase from FILE, or from standard input with "-". Without it the phrase is prompted for, without echo, on a terminal' -r -F
complete -c crossing -n "__fish_crossing_using_subcommand ls" -l home -d 'Where crossing keeps its own state (public keys, profiles, backup cache); default ~/.local/share/crossing' -r -F
complete -c crossing -n "__fish_crossing_using_subcommand ls" -l json -d 'Print one JSON object on stdout, errors included (docs/json.md)'
complete -c crossing -n "__fish_crossing_using_subcommand ls" -s q -l quiet -d 'Print nothing but errors (for cron)'
complete -c crossing -n "__fish_crossing_using_subcommand ls" -s h -l help -d 'Print help'
complete -c crossing -n "__fish_crossing_using_subcommand diff" -l profile -d 'The profile whose store to read (default: the only one, or among several the one named "default")' -r -f -a "(crossing profile list --names 2>/dev/null)"
complete -c crossing -n "__fish_crossing_using_subcommand diff" -l store -d 'The store URL (default: the profile\'s)' -r
complete -c crossing -n "__fish_crossing_using_subcommand diff" -l store-option -d 'A non-secret store setting, KEY=VALUE (repeatable), for this run only, over the profile\'s: endpoint, region, allow_http, retries, retry_timeout, … (see docs/stores.md). Secrets stay in the environment' -r
complete -c crossing -n "__fish_crossing_using_subcommand diff" -l phrase-file -d 'Read the recovery phrase from FILE, or from standard input with "-". Without it the phrase is prompted for, without echo, on a terminal' -r -F
complete -c crossing -n "__fish_crossing_using_subcommand diff" -l home -d 'Where crossing keeps its own state (public keys, profiles, backup cache); default ~/.local/share/crossing' -r -F
complete -c crossing -n "__fish_crossing_using_subcommand diff" -l json -d 'Print one JSON object on stdout, errors included (docs/json.md)'
complete -c crossing -n "__fish_crossing_using_subcommand diff" -s q -l quiet -d 'Print nothing but errors (for cron)'
complete -c crossing -n "__fish_crossing_using_subcommand diff" -s h -l help -d 'Print help'
complete -c crossing -n "__fish_crossing_using_subcommand stats" -l profile -d 'The profile (default: the only one, or among several the one named "default")' -r -f -a "(crossing profile list --names 2>/dev/null)"
complete -c crossing -n "__fish_crossing_using_subcommand stats" -l store -d 'The store URL, when there is no profile (needs --phrase-file or a prompt)' -r
complete -c crossing -n "__fish_crossing_using_subcommand stats" -l store-option -d 'A non-secret store setting, KEY=VALUE (repeatable), for this run only, over the profile\'s: endpoint, region, allow_http, retries, retry_timeout, … (see docs/stores.md). Secrets stay in the environment' -r
complete -c crossing -n "__fish_crossing_using_subcommand stats" -l phrase-file -d 'Read the snapshots\' manifests with the phrase from FILE (or standard input, "-")' -r -F
complete -c crossing -n "__fish_crossing_using_subcommand stats" -l home -d 'Where crossing keeps its own state (public keys, profiles, backup cache); default ~/.local/share/crossing' -r -F
complete -c crossing -n "__fish_crossing_using_subcommand stats" -l json -d 'Print one JSON object on stdout, errors included (docs/json.md)'
complete -c crossing -n "__fish_crossing_using_subcommand stats" -s q -l quiet -d 'Print nothing but errors (for cron)'
complete -c crossing -n "__fish_crossing_using_subcommand stats" -s h -l help -d 'Print help'
complete -c crossing -n "__fish_crossing_using_subcommand check" -l profile -d 'The profile (default: the only one, or among several the one named "default")' -r -f -a "(crossing profile list --names 2>/dev/null)"
complete -c crossing -n "__fish_crossing_using_subcommand check" -l store -d 'The store URL, when there is no profile (needs the phrase)' -r
complete -c crossing -n "__fish_crossing_using_subcommand check" -l store-option -d 'A non-secret store setting, KEY=VALUE (repeatable), for this run only, over the profile\'s: endpoint, region, allow_http, retries, retry_timeout, … (see docs/stores.md). Secrets stay in the environment' -r
complete -c crossing -n "__fish_crossing_using_subcommand check" -l phrase-file -d 'With the phrase, snapshots and indexes are checked too' -r -F
complete -c crossing -n "__fish_crossing_using_subcommand check" -l home -d 'Where crossing keeps its own state (public keys, profiles, backup cache); default ~/.local/share/crossing' -r -F
complete -c crossing -n "__fish_crossing_using_subcommand check" -l read-data -d 'Download, decrypt and authenticate every pack (needs the phrase)'
complete -c crossing -n "__fish_crossing_using_subcommand check" -l json -d 'Print one JSON object on stdout, errors included (docs/json.md)'
complete -c crossing -n "__fish_crossing_using_subcommand check" -s q -l quiet -d 'Print nothing but errors (for cron)'
complete -c crossing -n "__fish_crossing_using_subcommand check" -s h -l help -d 'Print help'
complete -c crossing -n "__fish_crossing_using_subcommand repair" -l profile -d 'The profile (default: the only one, or among several the one named "default")' -r -f -a "(crossing profile list --names 2>/dev/null)"
complete -c crossing -n "__fish_crossing_using_subcommand repair" -l store -d 'The store URL, when there is no profile' -r
complete -c crossing -n "__fish_crossing_using_subcommand repair" -l store-option -d 'A non-secret store setting, KEY=VALUE (repeatable), for this run only, over the profile\'s: endpoint, region, allow_http, retries, retry_timeout, … (see docs/stores.md). Secrets stay in the environment' -r
complete -c crossing -n "__fish_crossing_using_subcommand repair" -l phrase-file -d 'Read the recovery phrase from FILE, or from standard input with "-". Without it the phrase is prompted for, without echo, on a terminal' -r -F
complete -c crossing -n "__fish_crossing_using_subcommand repair" -l home -d 'Where crossing keeps its own state (public keys, profiles, backup cache); default ~/.local/share/crossing' -r -F
complete -c crossing -n "__fish_crossing_using_subcommand repair" -l json -d 'Print one JSON object on stdout, errors included (docs/json.md)'
complete -c crossing -n "__fish_crossing_using_subcommand repair" -s q -l quiet -d 'Print nothing but errors (for cron)'
complete -c crossing -n "__fish_crossing_using_subcommand repair" -s h -l help -d 'Print help'
complete -c crossing -n "__fish_crossing_using_subcommand prune" -l profile -d 'The profile (default: the only one, or among several the one named "default")' -r -f -a "(crossing profile list --names 2>/dev/null)"
complete -c crossing -n "__fish_crossing_using_subcommand prune" -l keep-last -d 'Keep the N newest snapshots' -r
complete -c crossing -n "__fish_crossing_using_subcommand prune" -l keep-within -d 'Keep every snapshot younger than DURATION (e.g. 7d, 36h)' -r
complete -c crossing -n "__fish_crossing_using_subcommand prune" -l keep-daily -d 'Keep the newest snapshot of each of the last N days (UTC) that have one' -r
complete -c crossing -n "__fish_crossing_using_subcommand prune" -l keep-weekly -d 'Keep the newest snapshot of each of the last N ISO weeks that have one' -r
complete -c crossing -n "__fish_crossing_using_subcommand prune" -l phrase-file -d 'Rebuild the cache from the store first (needed once when it is cold)' -r -F
complete -c crossing -n "__fish_crossing_using_subcommand prune" -l home -d 'Where crossing keeps its own state (public keys, profiles, backup cache); default ~/.local/share/crossing' -r -F
complete -c crossing -n "__fish_crossing_using_subcommand prune" -l dry-run -d 'Show what would be forgotten and deleted; change nothing'
complete -c crossing -n "__fish_crossing_using_subcommand prune" -l json -d 'Print one JSON object on stdout, errors included (docs/json.md)'
complete -c crossing -n "__fish_crossing_using_subcommand prune" -s q -l quiet -d 'Print nothing but errors (for cron)'
complete -c crossing -n "__fish_crossing_using_subcommand prune" -s h -l help -d 'Print help'
complete -c crossing -n "__fish_crossing_using_subcommand forget" -l profile -d 'The profile (default: the only one, or among several the one named "default")' -r -f -a "(crossing profile list --names 2>/dev/null)"
complete -c crossing -n "__fish_crossing_using_subcommand forget" -l phrase-file -d 'Rebuild the cache from the store first, so any trusted snapshot can be named' -r -F
complete -c crossing -n "__fish_crossing_using_subcommand forget" -l home -d 'Where crossing keeps its own state (public keys, profiles, backup cache); default ~/.local/share/crossing' -r -F
complete -c crossing -n "__fish_crossing_using_subcommand forget" -l dry-run -d 'Show what would be forgotten; change nothing'
complete -c crossing -n "__fish_crossing_using_subcommand forget" -l json -d 'Print one JSON object on stdout, errors included (docs/json.md)'
complete -c crossing -n "__fish_crossing_using_subcommand forget" -s q -l quiet -d 'Print nothing but errors (for cron)'
complete -c crossing -n "__fish_crossing_using_subcommand forget" -s h -l help -d 'Print help'
complete -c crossing -n "__fish_crossing_using_subcommand wipe" -l profile -d 'The profile whose data directory to destroy (default: the only one, or among several the one named "default")' -r -f -a "(crossing profile list --names 2>/dev/null)"
complete -c crossing -n "__fish_crossing_using_subcommand wipe" -l data-dir -d 'Destroy DIR (not a profile\'s) and crossing\'s home; needs no state (a corrupt state.db)' -r -F
complete -c crossing -n "__fish_crossing_using_subcommand wipe" -l client -d 'With --data-dir: whose database key goes first (default: DIR\'s profile\'s client)' -r -f -a "session\t'Session Desktop'
signal\t'Signal Desktop'
generic\t'Any folder (--data-dir required)'"
complete -c crossing -n "__fish_crossing_using_subcommand wipe" -l home -d 'Where crossing keeps its own state (public keys, profiles, backup cache); default ~/.local/share/crossing' -r -F
complete -c crossing -n "__fish_crossing_using_subcommand wipe" -l all -d 'Every profile\'s data directory'
complete -c crossing -n "__fish_crossing_using_subcommand wipe" -l keep-state -d 'Keep crossing\'s home (state database, caches, locks); by default it is destroyed too'
complete -c crossing -n "__fish_crossing_using_subcommand wipe" -l thorough -d 'Afterwards fill the free space of each filesystem and churn its journal (slow)'
complete -c crossing -n "__fish_crossing_using_subcommand wipe" -l dry-run -d 'List what would be destroyed and change nothing'
complete -c crossing -n "__fish_crossing_using_subcommand wipe" -l stop-clients -d 'Stop the clients (Signal, Session, …) that have files open in the data directory first: SIGTERM, then SIGKILL after 10 s. Without it, a running client makes this refuse (exit 9)'
complete -c crossing -n "__fish_crossing_using_subcommand wipe" -l yes -d 'Do not ask for confirmation (needed without a terminal)'
complete -c crossing -n "__fish_crossing_using_subcommand wipe" -l json -d 'Print one JSON object on stdout, errors included (docs/json.md)'
complete -c crossing -n "__fish_crossing_using_subcommand wipe" -s q -l quiet -d 'Print nothing but errors (for cron)'
complete -c crossing -n "__fish_crossing_using_subcommand wipe" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c crossing -n "__fish_crossing_using_subcommand duress; and not __fish_seen_subcommand_from set status clear help" -l home -d 'Where crossing keeps its own state (public keys, profiles, backup cache); default ~/.local/share/crossing' -r -F
complete -c crossing -n "__fish_crossing_using_subcommand duress; and not __fish_seen_subcommand_from set status clear help" -s q -l quiet -d 'Print nothing but errors (for cron)'
complete -c crossing -n "__fish_crossing_using_subcommand duress; and not __fish_seen_subcommand_from set status clear help" -s h -l help -d 'Print help'
complete -c crossing -n "__fish_crossing_using_subcommand duress; and not __fish_seen_subcommand_from set status clear help" -f -a "set" -d 'Set the app PIN and a duress code (each asked twice, without echo)'
complete -c crossing -n "__fish_crossing_using_subcommand duress; and not __fish_seen_subcommand_from set status clear help" -f -a "status" -d 'Show what is set (needs the PIN)'
complete -c crossing -n "__fish_crossing_using_subcommand duress; and not __fish_seen_subcommand_from set status clear help" -f -a "clear" -d 'Remove the PIN, the duress code and the failure limit (needs the PIN)'
complete -c crossing -n "__fish_crossing_using_subcommand duress; and not __fish_seen_subcommand_from set status clear help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c crossing -n "__fish_crossing_using_subcommand duress; and __fish_seen_subcommand_from set" -l max-failures -d 'Wipe after N consecutive wrong codes (at least 3; off by default). Setting the codes again keeps the limit already set unless this or --no-max-failures is given' -r
complete -c crossing -n "__fish_crossing_using_subcommand duress; and __fish_seen_subcommand_from set" -l home -d 'Where crossing keeps its own state (public keys, profiles, backup cache); default ~/.local/share/crossing' -r -F
complete -c crossing -n "__fish_crossing_using_subcommand duress; and __fish_seen_subcommand_from set" -l no-duress-code -d 'Set only a PIN (the duress slot is filled with random bytes all the same)'
complete -c crossing -n "__fish_crossing_using_subcommand duress; and __fish_seen_subcommand_from set" -l no-max-failures -d 'Remove the failure limit set earlier'
complete -c crossing -n "__fish_crossing_using_subcommand duress; and __fish_seen_subcommand_from set" -l stdin -d 'Read the codes as lines of standard input: the current PIN if one is set, the PIN twice, then the duress code twice'
complete -c crossing -n "__fish_crossing_using_subcommand duress; and __fish_seen_subcommand_from set" -s q -l quiet -d 'Print nothing but errors (for cron)'
complete -c crossing -n "__fish_crossing_using_subcommand duress; and __fish_seen_subcommand_from set" -s h -l help -d 'Print help'
complete -c crossing -n "__fish_crossing_using_subcommand duress; and __fish_seen_subcommand_from status" -l home -d 'Where crossing keeps its own state (public keys, profiles, backup cache); default ~/.local/share/crossing' -r -F
complete -c crossing -n "__fish_crossing_using_subcommand duress; and __fish_seen_subcommand_from status" -l stdin -d 'Read the PIN as a line of standard input'
complete -c crossing -n "__fish_crossing_using_subcommand duress; and __fish_seen_subcommand_from status" -l json -d 'Print one JSON object on stdout, errors included (docs/json.md)'
complete -c crossing -n "__fish_crossing_using_subcommand duress; and __fish_seen_subcommand_from status" -s q -l quiet -d 'Print nothing but errors (for cron)'
complete -c crossing -n "__fish_crossing_using_subcommand duress; and __fish_seen_subcommand_from status" -s h -l help -d 'Print help'
complete -c crossing -n "__fish_crossing_using_subcommand duress; and __fish_seen_subcommand_from clear" -l home -d 'Where crossing keeps its own state (public keys, profiles, backup cache); default ~/.local/share/crossing' -r -F
complete -c crossing -n "__fish_crossing_using_subcommand duress; and __fish_seen_subcommand_from clear" -l stdin -d 'Read the PIN as a line of standard input'
complete -c crossing -n "__fish_crossing_using_subcommand duress; and __fish_seen_subcommand_from clear" -s q -l quiet -d 'Print nothing but errors (for cron)'
complete -c crossing -n "__fish_crossing_using_subcommand duress; and __fish_seen_subcommand_from clear" -s h -l help -d 'Print help'
complete -c crossing -n "__fish_crossing_using_subcommand duress; and __fish_seen_subcommand_from help" -f -a "set" -d 'Set the app PIN and a duress code (each asked twice, without echo)'
complete -c crossing -n "__fish_crossing_using_subcommand duress; and __fish_seen_subcommand_from help" -f -a "status" -d 'Show what is set (needs the PIN)'
complete -c crossing -n "__fish_crossing_using_subcommand duress; and __fish_seen_subcommand_from help" -f -a "clear" -d 'Remove the PIN, the duress code and the failure limit (needs the PIN)'
complete -c crossing -n "__fish_crossing_using_subcommand duress; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c crossing -n "__fish_crossing_using_subcommand unlock" -l profile -d 'On a duress code, wipe only this profile\'s data directory (and crossing\'s home); by default every profile\'s' -r -f -a "(crossing profile list --names 2>/dev/null)"
complete -c crossing -n "__fish_crossing_using_subcommand unlock" -l home -d 'Where crossing keeps its own state (public keys, profiles, backup cache); default ~/.local/share/crossing' -r -F
complete -c crossing -n "__fish_crossing_using_subcommand unlock" -l stdin -d 'Read the PIN as a line of standard input (the rest is left to COMMAND)'
complete -c crossing -n "__fish_crossing_using_subcommand unlock" -s q -l quiet -d 'Print nothing but errors (for cron)'
complete -c crossing -n "__fish_crossing_using_subcommand unlock" -s h -l help -d 'Print help'
complete -c crossing -n "__fish_crossing_using_subcommand deadman; and not __fish_seen_subcommand_from set status clear check help" -l home -d 'Where crossing keeps its own state (public keys, profiles, backup cache); default ~/.local/share/crossing' -r -F
complete -c crossing -n "__fish_crossing_using_subcommand deadman; and not __fish_seen_subcommand_from set status clear check help" -s q -l quiet -d 'Print nothing but errors (for cron)'
complete -c crossing -n "__fish_crossing_using_subcommand deadman; and not __fish_seen_subcommand_from set status clear check help" -s h -l help -d 'Print help'
complete -c crossing -n "__fish_crossing_using_subcommand deadman; and not __fish_seen_subcommand_from set status clear check help" -f -a "set" -d 'Arm the switch: wipe when there was no check-in for DURATION (e.g. 3d, 36h)'
complete -c crossing -n "__fish_crossing_using_subcommand deadman; and not __fish_seen_subcommand_from set status clear check help" -f -a "status" -d 'Show whether the switch is armed, the time left and the deadline (read-only: never wipes, records nothing)'
complete -c crossing -n "__fish_crossing_using_subcommand deadman; and not __fish_seen_subcommand_from set status clear check help" -f -a "clear" -d 'Disarm the switch (with an unlock gate set, this asks for the PIN)'
complete -c crossing -n "__fish_crossing_using_subcommand deadman; and not __fish_seen_subcommand_from set status clear check help" -f -a "check" -d 'For cron: wipe if the time is up, else record the time that passed'
complete -c crossing -n "__fish_crossing_using_subcommand deadman; and not __fish_seen_subcommand_from set status clear check help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c crossing -n "__fish_crossing_using_subcommand deadman; and __fish_seen_subcommand_from set" -l after -d 'How long without a check-in before the wipe (at least 1h unless --force)' -r
complete -c crossing -n "__fish_crossing_using_subcommand deadman; and __fish_seen_subcommand_from set" -l home -d 'Where crossing keeps its own state (public keys, profiles, backup cache); default ~/.local/share/crossing' -r -F
complete -c crossing -n "__fish_crossing_using_subcommand deadman; and __fish_seen_subcommand_from set" -l force -d 'Accept a period under one hour (a typo such as 3m instead of 3d would wipe the device while it is in use)'
complete -c crossing -n "__fish_crossing_using_subcommand deadman; and __fish_seen_subcommand_from set" -s q -l quiet -d 'Print nothing but errors (for cron)'
complete -c crossing -n "__fish_crossing_using_subcommand deadman; and __fish_seen_subcommand_from set" -s h -l help -d 'Print help'
complete -c crossing -n "__fish_crossing_using_subcommand deadman; and __fish_seen_subcommand_from status" -l home -d 'Where crossing keeps its own state (public keys, profiles, backup cache); default ~/.local/share/crossing' -r -F
complete -c crossing -n "__fish_crossing_using_subcommand deadman; and __fish_seen_subcommand_from status" -l json -d 'Print one JSON object on stdout, errors included (docs/json.md)'
complete -c crossing -n "__fish_crossing_using_subcommand deadman; and __fish_seen_subcommand_from status" -s q -l quiet -d 'Print nothing but errors (for cron)'
complete -c crossing -n "__fish_crossing_using_subcommand deadman; and __fish_seen_subcommand_from status" -s h -l help -d 'Print help'
complete -c crossing -n "__fish_crossing_using_subcommand deadman; and __fish_seen_subcommand_from clear" -l home -d 'Where crossing keeps its own state (public keys, profiles, backup cache); default ~/.local/share/crossing' -r -F
complete -c crossing -n "__fish_crossing_using_subcommand deadman; and __fish_seen_subcommand_from clear" -l stdin -d 'Read the PIN as a line of standard input (when a gate is set)'
complete -c crossing -n "__fish_crossing_using_subcommand deadman; and __fish_seen_subcommand_from clear" -s q -l quiet -d 'Print nothing but errors (for cron)'
complete -c crossing -n "__fish_crossing_using_subcommand deadman; and __fish_seen_subcommand_from clear" -s h -l help -d 'Print help'
complete -c crossing -n "__fish_crossing_using_subcommand deadman; and __fish_seen_subcommand_from check" -l home -d 'Where crossing keeps its own state (public keys, profiles, backup cache); default ~/.local/share/crossing' -r -F
complete -c crossing -n "__fish_crossing_using_subcommand deadman; and __fish_seen_subcommand_from check" -l json -d 'Print one JSON object on stdout, errors included (docs/json.md)'
complete -c crossing -n "__fish_crossing_using_subcommand deadman; and __fish_seen_subcommand_from check" -s q -l quiet -d 'Print nothing but errors (for cron)'
complete -c crossing -n "__fish_crossing_using_subcommand deadman; and __fish_seen_subcommand_from check" -s h -l help -d 'Print help'
complete -c crossing -n "__fish_crossing_using_subcommand deadman; and __fish_seen_subcommand_from help" -f -a "set" -d 'Arm the switch: wipe when there was no check-in for DURATION (e.g. 3d, 36h)'
complete -c crossing -n "__fish_crossing_using_subcommand deadman; and __fish_seen_subcommand_from help" -f -a "status" -d 'Show whether the switch is armed, the time left and the deadline (read-only: never wipes, records nothing)'
complete -c crossing -n "__fish_crossing_using_subcommand deadman; and __fish_seen_subcommand_from help" -f -a "clear" -d 'Disarm the switch (with an unlock gate set, this asks for the PIN)'
complete -c crossing -n "__fish_crossing_using_subcommand deadman; and __fish_seen_subcommand_from help" -f -a "check" -d 'For cron: wipe if the time is up, else record the time that passed'
complete -c crossing -n "__fish_crossing_using_subcommand deadman; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c crossing -n "__fish_crossing_using_subcommand checkin" -l home -d 'Where crossing keeps its own state (public keys, profiles, backup cache); default ~/.local/share/crossing' -r -F
complete -c crossing -n "__fish_crossing_using_subcommand checkin" -l stdin -d 'Read the PIN as a line of standard input (when a gate is set)'
complete -c crossing -n "__fish_crossing_using_subcommand checkin" -s q -l quiet -d 'Print nothing but errors (for cron)'
complete -c crossing -n "__fish_crossing_using_subcommand checkin" -s h -l help -d 'Print help'
complete -c crossing -n "__fish_crossing_using_subcommand depart" -l profile -d 'Depart with this profile only: back up, verify and wipe its data directory and forget its records, keeping crossing\'s home and the other profiles. Without it, every profile departs and the home is wiped too. (No environment fallback: a CROSSING_PROFILE set for backups must not quietly narrow a departure.)' -r -f -a "(crossing profile list --names 2>/dev/null)"
complete -c crossing -n "__fish_crossing_using_subcommand depart" -l crontab -d 'With --vanish: the crontab file to clean (e.g. /etc/cron.d/crossing) instead of your own crontab (`crontab -l`)' -r -F
complete -c crossing -n "__fish_crossing_using_subcommand depart" -l home -d 'Where crossing keeps its own state (public keys, profiles, backup cache); default ~/.local/share/crossing' -r -F
complete -c crossing -n "__fish_crossing_using_subcommand depart" -l thorough -d 'Wipe with a free-space fill and journal churn (slow; see `crossing wipe --help`)'
complete -c crossing -n "__fish_crossing_using_subcommand depart" -l stop-clients -d 'Stop the clients (Signal, Session, …) that have files open in the data directory first: SIGTERM, then SIGKILL after 10 s. Without it, a running client makes this refuse (exit 9)'
complete -c crossing -n "__fish_crossing_using_subcommand depart" -l yes -d 'Do not ask before wiping (needed without a terminal)'
complete -c crossing -n "__fish_crossing_using_subcommand depart" -l allow-same-disk -d 'Wipe even though the folder store is on the same filesystem as the data directory (then the backup stays on this device: a test, or a drive you take away yourself)'
complete -c crossing -n "__fish_crossing_using_subcommand depart" -l vanish -d 'After the wipe, also remove what names crossing on this device: the crontab lines that run it, the man pages and completions installed next to it or in your home, and this binary. Get it back after the crossing as you installed it (README: After the crossing)'
complete -c crossing -n "__fish_crossing_using_subcommand depart" -l json -d 'Print one JSON object on stdout, errors included (docs/json.md)'
complete -c crossing -n "__fish_crossing_using_subcommand depart" -s q -l quiet -d 'Print nothing but errors (for cron)'
complete -c crossing -n "__fish_crossing_using_subcommand depart" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c crossing -n "__fish_crossing_using_subcommand remote-wipe; and not __fish_seen_subcommand_from arm send status check disarm help" -l home -d 'Where crossing keeps its own state (public keys, profiles, backup cache); default ~/.local/share/crossing' -r -F
complete -c crossing -n "__fish_crossing_using_subcommand remote-wipe; and not __fish_seen_subcommand_from arm send status check disarm help" -s q -l quiet -d 'Print nothing but errors (for cron)'
complete -c crossing -n "__fish_crossing_using_subcommand remote-wipe; and not __fish_seen_subcommand_from arm send status check disarm help" -s h -l help -d 'Print help'
complete -c crossing -n "__fish_crossing_using_subcommand remote-wipe; and not __fish_seen_subcommand_from arm send status check disarm help" -f -a "arm" -d 'Arm this device: derive a secret shared with a friend (or make a token)'
complete -c crossing -n "__fish_crossing_using_subcommand remote-wipe; and not __fish_seen_subcommand_from arm send status check disarm help" -f -a "send" -d 'As the friend: write the wipe request into the channel (after checking that the arming there is the user\'s)'
complete -c crossing -n "__fish_crossing_using_subcommand remote-wipe; and not __fish_seen_subcommand_from arm send status check disarm help" -f -a "status" -d 'On this device (no arguments): is it armed, since when, on which store and when it last checked, from its own state alone (read-only: no store is contacted, nothing fires). As the friend (--to or --token, and --store): is the device armed, was the request sent, did the device acknowledge it, and when'
complete -c crossing -n "__fish_crossing_using_subcommand remote-wipe; and not __fish_seen_subcommand_from arm send status check disarm help" -f -a "check" -d 'For cron (and the start of every backup): wipe if the friend sent the request'
complete -c crossing -n "__fish_crossing_using_subcommand remote-wipe; and not __fish_seen_subcommand_from arm send status check disarm help" -f -a "disarm" -d 'Forget the arming on this device and remove its channel object (with an unlock gate set, this asks for the PIN)'
complete -c crossing -n "__fish_crossing_using_subcommand remote-wipe; and not __fish_seen_subcommand_from arm send status check disarm help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c crossing -n "__fish_crossing_using_subcommand remote-wipe; and __fish_seen_subcommand_from arm" -l friend -d 'The friend\'s pseudonym ID (05…); your phrase is asked once, not kept' -r
complete -c crossing -n "__fish_crossing_using_subcommand remote-wipe; and __fish_seen_subcommand_from arm" -l store -d 'The store that carries the channel (any store URL crossing supports)' -r
complete -c crossing -n "__fish_crossing_using_subcommand remote-wipe; and __fish_seen_subcommand_from arm" -l phrase-file -d 'Read the recovery phrase from FILE, or from standard input with "-". Without it the phrase is prompted for, without echo, on a terminal' -r -F
complete -c crossing -n "__fish_crossing_using_subcommand remote-wipe; and __fish_seen_subcommand_from arm" -l home -d 'Where crossing keeps its own state (public keys, profiles, backup cache); default ~/.local/share/crossing' -r -F
complete -c crossing -n "__fish_crossing_using_subcommand remote-wipe; and __fish_seen_subcommand_from arm" -l token -d 'Instead, print a random secret for a friend without crossing\'s keys'
complete -c crossing -n "__fish_crossing_using_subcommand remote-wipe; and __fish_seen_subcommand_from arm" -s q -l quiet -d 'Print nothing but errors (for cron)'
complete -c crossing -n "__fish_crossing_using_subcommand remote-wipe; and __fish_seen_subcommand_from arm" -s h -l help -d 'Print help'
complete -c crossing -n "__fish_crossing_using_subcommand remote-wipe; and __fish_seen_subcommand_from send" -l to -d 'The user\'s pseudonym ID (05…); your own phrase is asked for' -r
complete -c crossing -n "__fish_crossing_using_subcommand remote-wipe; and __fish_seen_subcommand_from send" -l store -d 'The store that carries the channel, as the user gave it' -r
complete -c crossing -n "__fish_crossing_using_subcommand remote-wipe; and __fish_seen_subcommand_from send" -l phrase-file -d 'Read the recovery phrase from FILE, or from standard input with "-". Without it the phrase is prompted for, without echo, on a terminal' -r -F
complete -c crossing -n "__fish_crossing_using_subcommand remote-wipe; and __fish_seen_subcommand_from send" -l timeout -d 'How long --wait waits (e.g. 30m, 2h)' -r
complete -c crossing -n "__fish_crossing_using_subcommand remote-wipe; and __fish_seen_subcommand_from send" -l home -d 'Where crossing keeps its own state (public keys, profiles, backup cache); default ~/.local/share/crossing' -r -F
complete -c crossing -n "__fish_crossing_using_subcommand remote-wipe; and __fish_seen_subcommand_from send" -l token -d 'The token the user\'s `arm --token` printed. It is asked for without echo on a terminal, or read as a line of standard input: never on the command line, where `ps` shows it'
complete -c crossing -n "__fish_crossing_using_subcommand remote-wipe; and __fish_seen_subcommand_from send" -l wait -d 'Then wait for the device\'s acknowledgment (it checks from cron and at every backup), polling the channel every 5 seconds'
complete -c crossing -n "__fish_crossing_using_subcommand remote-wipe; and __fish_seen_subcommand_from send" -l json -d 'Print one JSON object on stdout, errors included (docs/json.md): what was sent, and with --wait the acknowledgment'
complete -c crossing -n "__fish_crossing_using_subcommand remote-wipe; and __fish_seen_subcommand_from send" -s q -l quiet -d 'Print nothing but errors (for cron)'
complete -c crossing -n "__fish_crossing_using_subcommand remote-wipe; and __fish_seen_subcommand_from send" -s h -l help -d 'Print help'
complete -c crossing -n "__fish_crossing_using_subcommand remote-wipe; and __fish_seen_subcommand_from status" -l to -d 'As the friend: the user\'s pseudonym ID (05…); your own phrase is asked for' -r
complete -c crossing -n "__fish_crossing_using_subcommand remote-wipe; and __fish_seen_subcommand_from status" -l store -d 'As the friend: the store that carries the channel, as the user gave it' -r
complete -c crossing -n "__fish_crossing_using_subcommand remote-wipe; and __fish_seen_subcommand_from status" -l phrase-file -d 'Read the recovery phrase from FILE, or from standard input with "-". Without it the phrase is prompted for, without echo, on a terminal' -r -F
complete -c crossing -n "__fish_crossing_using_subcommand remote-wipe; and __fish_seen_subcommand_from status" -l home -d 'Where crossing keeps its own state (public keys, profiles, backup cache); default ~/.local/share/crossing' -r -F
complete -c crossing -n "__fish_crossing_using_subcommand remote-wipe; and __fish_seen_subcommand_from status" -l token -d 'As the friend: the token the user\'s `arm --token` printed (asked for without echo, or read as a line of standard input)'
complete -c crossing -n "__fish_crossing_using_subcommand remote-wipe; and __fish_seen_subcommand_from status" -l json -d 'Print one JSON object on stdout, errors included (docs/json.md)'
complete -c crossing -n "__fish_crossing_using_subcommand remote-wipe; and __fish_seen_subcommand_from status" -s q -l quiet -d 'Print nothing but errors (for cron)'
complete -c crossing -n "__fish_crossing_using_subcommand remote-wipe; and __fish_seen_subcommand_from status" -s h -l help -d 'Print help'
complete -c crossing -n "__fish_crossing_using_subcommand remote-wipe; and __fish_seen_subcommand_from check" -l home -d 'Where crossing keeps its own state (public keys, profiles, backup cache); default ~/.local/share/crossing' -r -F
complete -c crossing -n "__fish_crossing_using_subcommand remote-wipe; and __fish_seen_subcommand_from check" -l json -d 'Print one JSON object on stdout, errors included (docs/json.md)'
complete -c crossing -n "__fish_crossing_using_subcommand remote-wipe; and __fish_seen_subcommand_from check" -s q -l quiet -d 'Print nothing but errors (for cron)'
complete -c crossing -n "__fish_crossing_using_subcommand remote-wipe; and __fish_seen_subcommand_from check" -s h -l help -d 'Print help'
complete -c crossing -n "__fish_crossing_using_subcommand remote-wipe; and __fish_seen_subcommand_from disarm" -l home -d 'Where crossing keeps its own state (public keys, profiles, backup cache); default ~/.local/share/crossing' -r -F
complete -c crossing -n "__fish_crossing_using_subcommand remote-wipe; and __fish_seen_subcommand_from disarm" -l stdin -d 'Read the PIN as a line of standard input (when a gate is set)'
complete -c crossing -n "__fish_crossing_using_subcommand remote-wipe; and __fish_seen_subcommand_from disarm" -s q -l quiet -d 'Print nothing but errors (for cron)'
complete -c crossing -n "__fish_crossing_using_subcommand remote-wipe; and __fish_seen_subcommand_from disarm" -s h -l help -d 'Print help'
complete -c crossing -n "__fish_crossing_using_subcommand remote-wipe; and __fish_seen_subcommand_from help" -f -a "arm" -d 'Arm this device: derive a secret shared with a friend (or make a token)'
complete -c crossing -n "__fish_crossing_using_subcommand remote-wipe; and __fish_seen_subcommand_from help" -f -a "send" -d 'As the friend: write the wipe request into the channel (after checking that the arming there is the user\'s)'
complete -c crossing -n "__fish_crossing_using_subcommand remote-wipe; and __fish_seen_subcommand_from help" -f -a "status" -d 'On this device (no arguments): is it armed, since when, on which store and when it last checked, from its own state alone (read-only: no store is contacted, nothing fires). As the friend (--to or --token, and --store): is the device armed, was the request sent, did the device acknowledge it, and when'
complete -c crossing -n "__fish_crossing_using_subcommand remote-wipe; and __fish_seen_subcommand_from help" -f -a "check" -d 'For cron (and the start of every backup): wipe if the friend sent the request'
complete -c crossing -n "__fish_crossing_using_subcommand remote-wipe; and __fish_seen_subcommand_from help" -f -a "disarm" -d 'Forget the arming on this device and remove its channel object (with an unlock gate set, this asks for the PIN)'
complete -c crossing -n "__fish_crossing_using_subcommand remote-wipe; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c crossing -n "__fish_crossing_using_subcommand writer; and not __fish_seen_subcommand_from list revoke help" -l home -d 'Where crossing keeps its own state (public keys, profiles, backup cache); default ~/.local/share/crossing' -r -F
complete -c crossing -n "__fish_crossing_using_subcommand writer; and not __fish_seen_subcommand_from list revoke help" -s q -l quiet -d 'Print nothing but errors (for cron)'
complete -c crossing -n "__fish_crossing_using_subcommand writer; and not __fish_seen_subcommand_from list revoke help" -s h -l help -d 'Print help'
complete -c crossing -n "__fish_crossing_using_subcommand writer; and not __fish_seen_subcommand_from list revoke help" -f -a "list" -d 'Every writer the phrase certified for the profile\'s repository, with its last snapshot and whether depart sealed it or it was revoked'
complete -c crossing -n "__fish_crossing_using_subcommand writer; and not __fish_seen_subcommand_from list revoke help" -f -a "revoke" -d 'Revoke a writer (a device taken without a wipe): nothing it signs after --as-of is trusted any more (needs the phrase)'
complete -c crossing -n "__fish_crossing_using_subcommand writer; and not __fish_seen_subcommand_from list revoke help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c crossing -n "__fish_crossing_using_subcommand writer; and __fish_seen_subcommand_from list" -l profile -d 'The profile (default: the only one, or among several the one named "default")' -r -f -a "(crossing profile list --names 2>/dev/null)"
complete -c crossing -n "__fish_crossing_using_subcommand writer; and __fish_seen_subcommand_from list" -l phrase-file -d 'Read the recovery phrase from FILE, or from standard input with "-". Without it the phrase is prompted for, without echo, on a terminal' -r -F
complete -c crossing -n "__fish_crossing_using_subcommand writer; and __fish_seen_subcommand_from list" -l home -d 'Where crossing keeps its own state (public keys, profiles, backup cache); default ~/.local/share/crossing' -r -F
complete -c crossing -n "__fish_crossing_using_subcommand writer; and __fish_seen_subcommand_from list" -l json -d 'Print one JSON object on stdout, errors included (docs/json.md)'
complete -c crossing -n "__fish_crossing_using_subcommand writer; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Print nothing but errors (for cron)'
complete -c crossing -n "__fish_crossing_using_subcommand writer; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c crossing -n "__fish_crossing_using_subcommand writer; and __fish_seen_subcommand_from revoke" -l as-of -d 'From when on its snapshots are untrusted: an RFC 3339 time (2026-12-01T12:00:00Z) or "now"' -r
complete -c crossing -n "__fish_crossing_using_subcommand writer; and __fish_seen_subcommand_from revoke" -l profile -d 'The profile (default: the only one, or among several the one named "default")' -r -f -a "(crossing profile list --names 2>/dev/null)"
complete -c crossing -n "__fish_crossing_using_subcommand writer; and __fish_seen_subcommand_from revoke" -l phrase-file -d 'Read the recovery phrase from FILE, or from standard input with "-". Without it the phrase is prompted for, without echo, on a terminal' -r -F
complete -c crossing -n "__fish_crossing_using_subcommand writer; and __fish_seen_subcommand_from revoke" -l home -d 'Where crossing keeps its own state (public keys, profiles, backup cache); default ~/.local/share/crossing' -r -F
complete -c crossing -n "__fish_crossing_using_subcommand writer; and __fish_seen_subcommand_from revoke" -s q -l quiet -d 'Print nothing but errors (for cron)'
complete -c crossing -n "__fish_crossing_using_subcommand writer; and __fish_seen_subcommand_from revoke" -s h -l help -d 'Print help'
complete -c crossing -n "__fish_crossing_using_subcommand writer; and __fish_seen_subcommand_from help" -f -a "list" -d 'Every writer the phrase certified for the profile\'s repository, with its last snapshot and whether depart sealed it or it was revoked'
complete -c crossing -n "__fish_crossing_using_subcommand writer; and __fish_seen_subcommand_from help" -f -a "revoke" -d 'Revoke a writer (a device taken without a wipe): nothing it signs after --as-of is trusted any more (needs the phrase)'
complete -c crossing -n "__fish_crossing_using_subcommand writer; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c crossing -n "__fish_crossing_using_subcommand help; and not __fish_seen_subcommand_from pseudonym init profile backup restore snapshots ls diff stats check repair prune forget wipe duress unlock deadman checkin depart remote-wipe writer help" -f -a "pseudonym" -d 'Create, import, list and remove pseudonyms (identities made only of a key pair)'
complete -c crossing -n "__fish_crossing_using_subcommand help; and not __fish_seen_subcommand_from pseudonym init profile backup restore snapshots ls diff stats check repair prune forget wipe duress unlock deadman checkin depart remote-wipe writer help" -f -a "init" -d 'Record a profile: which data directory to protect, where to store it, for whom'
complete -c crossing -n "__fish_crossing_using_subcommand help; and not __fish_seen_subcommand_from pseudonym init profile backup restore snapshots ls diff stats check repair prune forget wipe duress unlock deadman checkin depart remote-wipe writer help" -f -a "profile" -d 'List, show and remove profiles'
complete -c crossing -n "__fish_crossing_using_subcommand help; and not __fish_seen_subcommand_from pseudonym init profile backup restore snapshots ls diff stats check repair prune forget wipe duress unlock deadman checkin depart remote-wipe writer help" -f -a "backup" -d 'Write an encrypted, deduplicated snapshot of a profile\'s data directory to its store'
complete -c crossing -n "__fish_crossing_using_subcommand help; and not __fish_seen_subcommand_from pseudonym init profile backup restore snapshots ls diff stats check repair prune forget wipe duress unlock deadman checkin depart remote-wipe writer help" -f -a "restore" -d 'Restore a snapshot into a data directory, verified, atomically (needs the phrase)'
complete -c crossing -n "__fish_crossing_using_subcommand help; and not __fish_seen_subcommand_from pseudonym init profile backup restore snapshots ls diff stats check repair prune forget wipe duress unlock deadman checkin depart remote-wipe writer help" -f -a "snapshots" -d 'List the snapshots in a store'
complete -c crossing -n "__fish_crossing_using_subcommand help; and not __fish_seen_subcommand_from pseudonym init profile backup restore snapshots ls diff stats check repair prune forget wipe duress unlock deadman checkin depart remote-wipe writer help" -f -a "ls" -d 'List what a snapshot holds, or one path of it and below (needs the phrase)'
complete -c crossing -n "__fish_crossing_using_subcommand help; and not __fish_seen_subcommand_from pseudonym init profile backup restore snapshots ls diff stats check repair prune forget wipe duress unlock deadman checkin depart remote-wipe writer help" -f -a "diff" -d 'Show the paths added, removed and changed between two snapshots (needs the phrase)'
complete -c crossing -n "__fish_crossing_using_subcommand help; and not __fish_seen_subcommand_from pseudonym init profile backup restore snapshots ls diff stats check repair prune forget wipe duress unlock deadman checkin depart remote-wipe writer help" -f -a "stats" -d 'Repository size, deduplication and per-snapshot sizes'
complete -c crossing -n "__fish_crossing_using_subcommand help; and not __fish_seen_subcommand_from pseudonym init profile backup restore snapshots ls diff stats check repair prune forget wipe duress unlock deadman checkin depart remote-wipe writer help" -f -a "check" -d 'Verify a repository: structure, or with --read-data every byte'
complete -c crossing -n "__fish_crossing_using_subcommand help; and not __fish_seen_subcommand_from pseudonym init profile backup restore snapshots ls diff stats check repair prune forget wipe duress unlock deadman checkin depart remote-wipe writer help" -f -a "repair" -d 'Rebuild a damaged or missing index from the packs, and name what is lost (needs the phrase)'
complete -c crossing -n "__fish_crossing_using_subcommand help; and not __fish_seen_subcommand_from pseudonym init profile backup restore snapshots ls diff stats check repair prune forget wipe duress unlock deadman checkin depart remote-wipe writer help" -f -a "prune" -d 'Forget snapshots outside a retention policy or past --expire-after, and delete their data'
complete -c crossing -n "__fish_crossing_using_subcommand help; and not __fish_seen_subcommand_from pseudonym init profile backup restore snapshots ls diff stats check repair prune forget wipe duress unlock deadman checkin depart remote-wipe writer help" -f -a "forget" -d 'Forget the named snapshots; their data is deleted by the next prune'
complete -c crossing -n "__fish_crossing_using_subcommand help; and not __fish_seen_subcommand_from pseudonym init profile backup restore snapshots ls diff stats check repair prune forget wipe duress unlock deadman checkin depart remote-wipe writer help" -f -a "wipe" -d 'Destroy a profile\'s data directory and crossing\'s own state, file by file (see docs/wipe.md)'
complete -c crossing -n "__fish_crossing_using_subcommand help; and not __fish_seen_subcommand_from pseudonym init profile backup restore snapshots ls diff stats check repair prune forget wipe duress unlock deadman checkin depart remote-wipe writer help" -f -a "duress" -d 'Set, show or clear the unlock gate\'s PIN, duress code and failure limit'
complete -c crossing -n "__fish_crossing_using_subcommand help; and not __fish_seen_subcommand_from pseudonym init profile backup restore snapshots ls diff stats check repair prune forget wipe duress unlock deadman checkin depart remote-wipe writer help" -f -a "unlock" -d 'The gate in front of a client: the PIN runs COMMAND; the duress code wipes, then does the same'
complete -c crossing -n "__fish_crossing_using_subcommand help; and not __fish_seen_subcommand_from pseudonym init profile backup restore snapshots ls diff stats check repair prune forget wipe duress unlock deadman checkin depart remote-wipe writer help" -f -a "deadman" -d 'A dead-man switch: wipe when nobody checked in for a while'
complete -c crossing -n "__fish_crossing_using_subcommand help; and not __fish_seen_subcommand_from pseudonym init profile backup restore snapshots ls diff stats check repair prune forget wipe duress unlock deadman checkin depart remote-wipe writer help" -f -a "checkin" -d 'Check in: resets the dead-man switch (every correct `unlock` does too; with an unlock gate set, this asks for the PIN)'
complete -c crossing -n "__fish_crossing_using_subcommand help; and not __fish_seen_subcommand_from pseudonym init profile backup restore snapshots ls diff stats check repair prune forget wipe duress unlock deadman checkin depart remote-wipe writer help" -f -a "depart" -d 'Before a crossing: back up every profile, verify each snapshot is complete in its store, then wipe every data directory and crossing\'s home'
complete -c crossing -n "__fish_crossing_using_subcommand help; and not __fish_seen_subcommand_from pseudonym init profile backup restore snapshots ls diff stats check repair prune forget wipe duress unlock deadman checkin depart remote-wipe writer help" -f -a "remote-wipe" -d 'Let a trusted friend wipe this device remotely, through an object store'
complete -c crossing -n "__fish_crossing_using_subcommand help; and not __fish_seen_subcommand_from pseudonym init profile backup restore snapshots ls diff stats check repair prune forget wipe duress unlock deadman checkin depart remote-wipe writer help" -f -a "writer" -d 'The devices that write a repository: list them, or revoke one that was taken'
complete -c crossing -n "__fish_crossing_using_subcommand help; and not __fish_seen_subcommand_from pseudonym init profile backup restore snapshots ls diff stats check repair prune forget wipe duress unlock deadman checkin depart remote-wipe writer help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c crossing -n "__fish_crossing_using_subcommand help; and __fish_seen_subcommand_from pseudonym" -f -a "new" -d 'Make a fresh recovery phrase and show it once, with the pseudonym\'s ID'
complete -c crossing -n "__fish_crossing_using_subcommand help; and __fish_seen_subcommand_from pseudonym" -f -a "import" -d 'Import a pseudonym from its existing recovery phrase'
complete -c crossing -n "__fish_crossing_using_subcommand help; and __fish_seen_subcommand_from pseudonym" -f -a "list" -d 'List pseudonyms (public data only)'
complete -c crossing -n "__fish_crossing_using_subcommand help; and __fish_seen_subcommand_from pseudonym" -f -a "show" -d 'Show one pseudonym\'s public data'
complete -c crossing -n "__fish_crossing_using_subcommand help; and __fish_seen_subcommand_from pseudonym" -f -a "remove" -d 'Forget a pseudonym on this device (its backups stay in the store)'
complete -c crossing -n "__fish_crossing_using_subcommand help; and __fish_seen_subcommand_from pseudonym" -f -a "certify" -d 'Make this device a certified writer of the pseudonym\'s backups (needs the phrase once): every snapshot it writes is then signed, and a restore trusts only what chains to the phrase'
complete -c crossing -n "__fish_crossing_using_subcommand help; and __fish_seen_subcommand_from profile" -f -a "list" -d 'List profiles'
complete -c crossing -n "__fish_crossing_using_subcommand help; and __fish_seen_subcommand_from profile" -f -a "show" -d 'Show one profile'
complete -c crossing -n "__fish_crossing_using_subcommand help; and __fish_seen_subcommand_from profile" -f -a "remove" -d 'Forget a profile and its backup cache (data directory and store untouched)'
complete -c crossing -n "__fish_crossing_using_subcommand help; and __fish_seen_subcommand_from duress" -f -a "set" -d 'Set the app PIN and a duress code (each asked twice, without echo)'
complete -c crossing -n "__fish_crossing_using_subcommand help; and __fish_seen_subcommand_from duress" -f -a "status" -d 'Show what is set (needs the PIN)'
complete -c crossing -n "__fish_crossing_using_subcommand help; and __fish_seen_subcommand_from duress" -f -a "clear" -d 'Remove the PIN, the duress code and the failure limit (needs the PIN)'
complete -c crossing -n "__fish_crossing_using_subcommand help; and __fish_seen_subcommand_from deadman" -f -a "set" -d 'Arm the switch: wipe when there was no check-in for DURATION (e.g. 3d, 36h)'
complete -c crossing -n "__fish_crossing_using_subcommand help; and __fish_seen_subcommand_from deadman" -f -a "status" -d 'Show whether the switch is armed, the time left and the deadline (read-only: never wipes, records nothing)'
complete -c crossing -n "__fish_crossing_using_subcommand help; and __fish_seen_subcommand_from deadman" -f -a "clear" -d 'Disarm the switch (with an unlock gate set, this asks for the PIN)'
complete -c crossing -n "__fish_crossing_using_subcommand help; and __fish_seen_subcommand_from deadman" -f -a "check" -d 'For cron: wipe if the time is up, else record the time that passed'
complete -c crossing -n "__fish_crossing_using_subcommand help; and __fish_seen_subcommand_from remote-wipe" -f -a "arm" -d 'Arm this device: derive a secret shared with a friend (or make a token)'
complete -c crossing -n "__fish_crossing_using_subcommand help; and __fish_seen_subcommand_from remote-wipe" -f -a "send" -d 'As the friend: write the wipe request into the channel (after checking that the arming there is the user\'s)'
complete -c crossing -n "__fish_crossing_using_subcommand help; and __fish_seen_subcommand_from remote-wipe" -f -a "status" -d 'On this device (no arguments): is it armed, since when, on which store and when it last checked, from its own state alone (read-only: no store is contacted, nothing fires). As the friend (--to or --token, and --store): is the device armed, was the request sent, did the device acknowledge it, and when'
complete -c crossing -n "__fish_crossing_using_subcommand help; and __fish_seen_subcommand_from remote-wipe" -f -a "check" -d 'For cron (and the start of every backup): wipe if the friend sent the request'
complete -c crossing -n "__fish_crossing_using_subcommand help; and __fish_seen_subcommand_from remote-wipe" -f -a "disarm" -d 'Forget the arming on this device and remove its channel object (with an unlock gate set, this asks for the PIN)'
complete -c crossing -n "__fish_crossing_using_subcommand help; and __fish_seen_subcommand_from writer" -f -a "list" -d 'Every writer the phrase certified for the profile\'s repository, with its last snapshot and whether depart sealed it or it was revoked'
complete -c crossing -n "__fish_crossing_using_subcommand help; and __fish_seen_subcommand_from writer" -f -a "revoke" -d 'Revoke a writer (a device taken without a wipe): nothing it signs after --as-of is trusted any more (needs the phrase)'
