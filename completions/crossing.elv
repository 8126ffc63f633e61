
use builtin;
use str;

set edit:completion:arg-completer[crossing] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'crossing'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'crossing'= {
            cand --home 'Where crossing keeps its own state (public keys, profiles, backup cache); default ~/.local/share/crossing'
            cand -q 'Print nothing but errors (for cron)'
            cand --quiet 'Print nothing but errors (for cron)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand pseudonym 'Create, import, list and remove pseudonyms (identities made only of a key pair)'
            cand init 'Record a profile: which data directory to protect, where to store it, for whom'
            cand profile 'List, show and remove profiles'
            cand backup 'Write an encrypted, deduplicated snapshot of a profile''s data directory to its store'
            cand restore 'Restore a snapshot into a data directory, verified, atomically (needs the phrase)'
            cand snapshots 'List the snapshots in a store'
            cand ls 'List what a snapshot holds, or one path of it and below (needs the phrase)'
            cand diff 'Show the paths added, removed and changed between two snapshots (needs the phrase)'
            cand stats 'Repository size, deduplication and per-snapshot sizes'
            cand check 'Verify a repository: structure, or with --read-data every byte'
            cand repair 'Rebuild a damaged or missing index from the packs, and name what is lost (needs the phrase)'
            cand prune 'Forget snapshots outside a retention policy or past --expire-after, and delete their data'
            cand forget 'Forget the named snapshots; their data is deleted by the next prune'
            cand wipe 'Destroy a profile''s data directory and crossing''s own state, file by file (see docs/wipe.md)'
            cand duress 'Set, show or clear the unlock gate''s PIN, duress code and failure limit'
            cand unlock 'The gate in front of a client: the PIN runs COMMAND; the duress code wipes, then does the same'
            cand deadman 'A dead-man switch: wipe when nobody checked in for a while'
            cand checkin 'Check in: resets the dead-man switch (every correct `unlock` does too; with an unlock gate set, this asks for the PIN)'
            cand depart 'Before a crossing: back up every profile, verify each snapshot is complete in its store, then wipe every data directory and crossing''s home'
            cand remote-wipe 'Let a trusted friend wipe this device remotely, through an object store'
            cand writer 'The devices that write a repository: list them, or revoke one that was taken'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'crossing;pseudonym'= {
            cand --home 'Where crossing keeps its own state (public keys, profiles, backup cache); default ~/.local/share/crossing'
            cand -q 'Print nothing but errors (for cron)'
            cand --quiet 'Print nothing but errors (for cron)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand new 'Make a fresh recovery phrase and show it once, with the pseudonym''s ID'
            cand import 'Import a pseudonym from its existing recovery phrase'
            cand list 'List pseudonyms (public data only)'
            cand show 'Show one pseudonym''s public data'
            cand remove 'Forget a pseudonym on this device (its backups stay in the store)'
            cand certify 'Make this device a certified writer of the pseudonym''s backups (needs the phrase once): every snapshot it writes is then signed, and a restore trusts only what chains to the phrase'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'crossing;pseudonym;new'= {
            cand --name 'A local name for the pseudonym (default: "default")'
            cand --words 'Number of words of the recovery phrase'
            cand --home 'Where crossing keeps its own state (public keys, profiles, backup cache); default ~/.local/share/crossing'
            cand --json 'Print one JSON object on stdout, errors included (docs/json.md); the phrase is in it, and this is its only showing'
            cand --no-confirm 'On a terminal, do not ask for two words of the new phrase to check the written copy (for scripts that show the phrase elsewhere)'
            cand -q 'Print nothing but errors (for cron)'
            cand --quiet 'Print nothing but errors (for cron)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'crossing;pseudonym;import'= {
            cand --name 'A local name for the pseudonym (default: "default")'
            cand --phrase-file 'Read the recovery phrase from FILE, or from standard input with "-". Without it the phrase is prompted for, without echo, on a terminal'
            cand --home 'Where crossing keeps its own state (public keys, profiles, backup cache); default ~/.local/share/crossing'
            cand --json 'Print one JSON object on stdout, errors included (docs/json.md)'
            cand -q 'Print nothing but errors (for cron)'
            cand --quiet 'Print nothing but errors (for cron)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'crossing;pseudonym;list'= {
            cand --home 'Where crossing keeps its own state (public keys, profiles, backup cache); default ~/.local/share/crossing'
            cand --json 'Print one JSON object on stdout, errors included (docs/json.md)'
            cand -q 'Print nothing but errors (for cron)'
            cand --quiet 'Print nothing but errors (for cron)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'crossing;pseudonym;show'= {
            cand --home 'Where crossing keeps its own state (public keys, profiles, backup cache); default ~/.local/share/crossing'
            cand --json 'Print one JSON object on stdout, errors included (docs/json.md)'
            cand -q 'Print nothing but errors (for cron)'
            cand --quiet 'Print nothing but errors (for cron)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'crossing;pseudonym;remove'= {
            cand --home 'Where crossing keeps its own state (public keys, profiles, backup cache); default ~/.local/share/crossing'
            cand -q 'Print nothing but errors (for cron)'
            cand --quiet 'Print nothing but errors (for cron)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'crossing;pseudonym;certify'= {
            cand --phrase-file 'Read the recovery phrase from FILE, or from standard input with "-". Without it the phrase is prompted for, without echo, on a terminal'
            cand --home 'Where crossing keeps its own state (public keys, profiles, backup cache); default ~/.local/share/crossing'
            cand -q 'Print nothing but errors (for cron)'
            cand --quiet 'Print nothing but errors (for cron)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'crossing;pseudonym;help'= {
            cand new 'Make a fresh recovery phrase and show it once, with the pseudonym''s ID'
            cand import 'Import a pseudonym from its existing recovery phrase'
            cand list 'List pseudonyms (public data only)'
            cand show 'Show one pseudonym''s public data'
            cand remove 'Forget a pseudonym on this device (its backups stay in the store)'
            cand certify 'Make this device a certified writer of the pseudonym''s backups (needs the phrase once): every snapshot it writes is then signed, and a restore trusts only what chains to the phrase'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'crossing;pseudonym;help;new'= {
        }
        &'crossing;pseudonym;help;import'= {
        }
        &'crossing;pseudonym;help;list'= {
        }
        &'crossing;pseudonym;help;show'= {
        }
        &'crossing;pseudonym;help;remove'= {
        }
        &'crossing;pseudonym;help;certify'= {
        }
        &'crossing;pseudonym;help;help'= {
        }
        &'crossing;init'= {
            cand --data-dir 'The data directory to protect (default with --client: the client''s usual location)'
            cand --store 'Where snapshots go: file:///PATH, s3://BUCKET[/PREFIX], gs://BUCKET[/PREFIX], az://CONTAINER[/PREFIX] or https://ACCOUNT.blob.core.windows.net/CONTAINER[/PREFIX]. Credentials come from the environment (AWS_*, GOOGLE_*, AZURE_*)'
            cand --store-option 'A non-secret store setting kept in the profile, KEY=VALUE (repeatable): endpoint, region, allow_http, timeout, retries, retry_timeout, … (see docs/stores.md). Secrets are refused: they stay in the environment'
            cand --pseudonym 'The pseudonym whose key encrypts the backups (default: the only one, or "default")'
            cand --name 'The profile''s name (default: the client''s, "signal" or "session"; "default" for --client generic)'
            cand --client 'Which client''s data this is (a client''s profile leaves out its caches and logs: see `crossing profile show`)'
            cand --exclude 'Kept with the profile: every backup leaves out paths matching GLOB, relative to the data directory (gitignore-like, see `crossing backup --help`); repeatable'
            cand --home 'Where crossing keeps its own state (public keys, profiles, backup cache); default ~/.local/share/crossing'
            cand --json 'Print one JSON object on stdout, errors included (docs/json.md)'
            cand -q 'Print nothing but errors (for cron)'
            cand --quiet 'Print nothing but errors (for cron)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'crossing;profile'= {
            cand --home 'Where crossing keeps its own state (public keys, profiles, backup cache); default ~/.local/share/crossing'
            cand -q 'Print nothing but errors (for cron)'
            cand --quiet 'Print nothing but errors (for cron)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand list 'List profiles'
            cand show 'Show one profile'
            cand remove 'Forget a profile and its backup cache (data directory and store untouched)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'crossing;profile;list'= {
            cand --home 'Where crossing keeps its own state (public keys, profiles, backup cache); default ~/.local/share/crossing'
            cand --json 'Print one JSON object on stdout, errors included (docs/json.md)'
            cand --names 'Print only the names, one a line (what the shell completions use)'
            cand -q 'Print nothing but errors (for cron)'
            cand --quiet 'Print nothing but errors (for cron)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'crossing;profile;show'= {
            cand --home 'Where crossing keeps its own state (public keys, profiles, backup cache); default ~/.local/share/crossing'
            cand --json 'Print one JSON object on stdout, errors included (docs/json.md)'
            cand -q 'Print nothing but errors (for cron)'
            cand --quiet 'Print nothing but errors (for cron)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'crossing;profile;remove'= {
            cand --home 'Where crossing keeps its own state (public keys, profiles, backup cache); default ~/.local/share/crossing'
            cand -q 'Print nothing but errors (for cron)'
            cand --quiet 'Print nothing but errors (for cron)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'crossing;profile;help'= {
            cand list 'List profiles'
            cand show 'Show one profile'
            cand remove 'Forget a profile and its backup cache (data directory and store untouched)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'crossing;profile;help;list'= {
        }
        &'crossing;profile;help;show'= {
        }
        &'crossing;profile;help;remove'= {
        }
        &'crossing;profile;help;help'= {
        }
        &'crossing;backup'= {
            cand --profile 'The profile to back up (default: the only one, or among several the one named "default"; with --data-dir and --store: "default")'
            cand --data-dir 'First use without a profile: the directory to back up (creates the profile, and a pseudonym if there is none, showing its phrase once)'
            cand --store 'First use without a profile: the store URL (see `crossing init --help`)'
            cand --exclude 'Leave out paths matching GLOB, relative to the data directory (gitignore-like: `*.tmp` at any depth, `/Cache` only at the top, `logs/` directories only, `**` across directories); repeatable, added to the profile''s (`crossing init --exclude`). Excluded paths are not read'
            cand --tag 'A label stored in the (encrypted) snapshot; repeatable'
            cand --expire-after 'Make the snapshot disappear at the next prune after this long (e.g. 7d, 12h)'
            cand --store-option 'A non-secret store setting, KEY=VALUE (repeatable), over the profile''s: endpoint, region, allow_http, retries, retry_timeout, … (see docs/stores.md). For this run only, except that a first backup (--data-dir with --store) keeps them in the profile it creates. Secrets stay in the environment.'
            cand --home 'Where crossing keeps its own state (public keys, profiles, backup cache); default ~/.local/share/crossing'
            cand --all 'Back up every profile, one after another (each under its own lock); a profile that fails does not stop the others, and the exit code is that of the first failure'
            cand --no-confirm 'First use: when a new pseudonym''s phrase is shown, do not ask for two of its words to check the written copy'
            cand --dry-run 'Say what would be read and stored, and store nothing: no snapshot, no pack, no change to crossing''s state. Files not known unchanged are read and chunked to count the new bytes'
            cand --json 'Print one JSON object on stdout, errors included (docs/json.md): the new snapshot''s summary'
            cand -q 'Print nothing but errors (for cron)'
            cand --quiet 'Print nothing but errors (for cron)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'crossing;restore'= {
            cand --profile 'The profile whose store and data directory to use by default (without it: the only profile, or among several the one named "default")'
            cand --snapshot 'Snapshot ID (or a unique prefix of it), or "latest"'
            cand --store 'The store URL (default: the profile''s)'
            cand --store-option 'A non-secret store setting, KEY=VALUE (repeatable), for this run only, over the profile''s: endpoint, region, allow_http, retries, retry_timeout, … (see docs/stores.md). Secrets stay in the environment'
            cand --data-dir 'Where to restore (default: the profile''s data directory, or the client''s)'
            cand --client 'Restore to this client''s usual data directory'
            cand --phrase-file 'Read the recovery phrase from FILE, or from standard input with "-". Without it the phrase is prompted for, without echo, on a terminal'
            cand --seal 'The seal code `depart` showed: restore exactly the snapshot it sealed, and refuse if the store does not hold that departure'
            cand --include 'Restore only this file or directory of the snapshot (and the directories leading to it), given relative to the data directory, e.g. `attachments.noindex/3f`; repeatable. A path the snapshot does not hold is refused (exit 2) and nothing is restored'
            cand --home 'Where crossing keeps its own state (public keys, profiles, backup cache); default ~/.local/share/crossing'
            cand --force 'Replace a non-empty data directory (its old contents are kept until the new ones are in place)'
            cand --stop-clients 'With --force: stop the clients that have files open in the data directory first (SIGTERM, then SIGKILL after 10 s). Without it, a running client makes the restore refuse (exit 9)'
            cand --keep-special-modes 'Restore setuid, setgid and sticky bits and write permission for others as the snapshot has them (by default they are dropped)'
            cand --adopt 'When this home has no pseudonym or profile for the restored data, make them (the pseudonym from the phrase given, a profile backing the restored directory up to this store), so the next backup stores only what changed. Offered on a terminal without --adopt or --no-adopt'
            cand --no-adopt 'Do not offer to make that pseudonym and profile'
            cand --json 'Print one JSON object on stdout, errors included (docs/json.md)'
            cand -q 'Print nothing but errors (for cron)'
            cand --quiet 'Print nothing but errors (for cron)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'crossing;snapshots'= {
            cand --profile 'The profile (default: the only one, or among several the one named "default")'
            cand --store 'The store URL, when there is no profile (needs --phrase-file or a prompt)'
            cand --store-option 'A non-secret store setting, KEY=VALUE (repeatable), for this run only, over the profile''s: endpoint, region, allow_http, retries, retry_timeout, … (see docs/stores.md). Secrets stay in the environment'
            cand --phrase-file 'With the phrase, the snapshots'' contents are read too (files, bytes, tags)'
            cand --home 'Where crossing keeps its own state (public keys, profiles, backup cache); default ~/.local/share/crossing'
            cand --json 'Print one JSON object on stdout, errors included (docs/json.md)'
            cand -q 'Print nothing but errors (for cron)'
            cand --quiet 'Print nothing but errors (for cron)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'crossing;ls'= {
            cand --profile 'The profile whose store to read (default: the only one, or among several the one named "default")'
            cand --store 'The store URL (default: the profile''s)'
            cand --store-option 'A non-secret store setting, KEY=VALUE (repeatable), for this run only, over the profile''s: endpoint, region, allow_http, retries, retry_timeout, … (see docs/stores.md). Secrets stay in the environment'
            cand --phrase-file 'Read the recovery phrase from FILE, or from standard input with "-". Without it the phrase is prompted for, without echo, on a terminal'
            cand --home 'Where crossing keeps its own state (public keys, profiles, backup cache); default ~/.local/share/crossing'
            cand --json 'Print one JSON object on stdout, errors included (docs/json.md)'
            cand -q 'Print nothing but errors (for cron)'
            cand --quiet 'Print nothing but errors (for cron)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'crossing;diff'= {
            cand --profile 'The profile whose store to read (default: the only one, or among several the one named "default")'
            cand --store 'The store URL (default: the profile''s)'
            cand --store-option 'A non-secret store setting, KEY=VALUE (repeatable), for this run only, over the profile''s: endpoint, region, allow_http, retries, retry_timeout, … (see docs/stores.md). Secrets stay in the environment'
            cand --phrase-file 'Read the recovery phrase from FILE, or from standard input with "-". Without it the phrase is prompted for, without echo, on a terminal'
            cand --home 'Where crossing keeps its own state (public keys, profiles, backup cache); default ~/.local/share/crossing'
            cand --json 'Print one JSON object on stdout, errors included (docs/json.md)'
            cand -q 'Print nothing but errors (for cron)'
            cand --quiet 'Print nothing but errors (for cron)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'crossing;stats'= {
            cand --profile 'The profile (default: the only one, or among several the one named "default")'
            cand --store 'The store URL, when there is no profile (needs --phrase-file or a prompt)'
            cand --store-option 'A non-secret store setting, KEY=VALUE (repeatable), for this run only, over the profile''s: endpoint, region, allow_http, retries, retry_timeout, … (see docs/stores.md). Secrets stay in the environment'
            cand --phrase-file 'Read the snapshots'' manifests with the phrase from FILE (or standard input, "-")'
            cand --home 'Where crossing keeps its own state (public keys, profiles, backup cache); default ~/.local/share/crossing'
            cand --json 'Print one JSON object on stdout, errors included (docs/json.md)'
            cand -q 'Print nothing but errors (for cron)'
            cand --quiet 'Print nothing but errors (for cron)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'crossing;check'= {
            cand --profile 'The profile (default: the only one, or among several the one named "default")'
            cand --store 'The store URL, when there is no profile (needs the phrase)'
            cand --store-option 'A non-secret store setting, KEY=VALUE (repeatable), for this run only, over the profile''s: endpoint, region, allow_http, retries, retry_timeout, … (see docs/stores.md). Secrets stay in the environment'
            cand --phrase-file 'With the phrase, snapshots and indexes are checked too'
            cand --home 'Where crossing keeps its own state (public keys, profiles, backup cache); default ~/.local/share/crossing'
            cand --read-data 'Download, decrypt and authenticate every pack (needs the phrase)'
            cand --json 'Print one JSON object on stdout, errors included (docs/json.md)'
            cand -q 'Print nothing but errors (for cron)'
            cand --quiet 'Print nothing but errors (for cron)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'crossing;repair'= {
            cand --profile 'The profile (default: the only one, or among several the one named "default")'
            cand --store 'The store URL, when there is no profile'
            cand --store-option 'A non-secret store setting, KEY=VALUE (repeatable), for this run only, over the profile''s: endpoint, region, allow_http, retries, retry_timeout, … (see docs/stores.md). Secrets stay in the environment'
            cand --phrase-file 'Read the recovery phrase from FILE, or from standard input with "-". Without it the phrase is prompted for, without echo, on a terminal'
            cand --home 'Where crossing keeps its own state (public keys, profiles, backup cache); default ~/.local/share/crossing'
            cand --json 'Print one JSON object on stdout, errors included (docs/json.md)'
            cand -q 'Print nothing but errors (for cron)'
            cand --quiet 'Print nothing but errors (for cron)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'crossing;prune'= {
            cand --profile 'The profile (default: the only one, or among several the one named "default")'
            cand --keep-last 'Keep the N newest snapshots'
            cand --keep-within 'Keep every snapshot younger than DURATION (e.g. 7d, 36h)'
            cand --keep-daily 'Keep the newest snapshot of each of the last N days (UTC) that have one'
            cand --keep-weekly 'Keep the newest snapshot of each of the last N ISO weeks that have one'
            cand --phrase-file 'Rebuild the cache from the store first (needed once when it is cold)'
            cand --home 'Where crossing keeps its own state (public keys, profiles, backup cache); default ~/.local/share/crossing'
            cand --dry-run 'Show what would be forgotten and deleted; change nothing'
            cand --json 'Print one JSON object on stdout, errors included (docs/json.md)'
            cand -q 'Print nothing but errors (for cron)'
            cand --quiet 'Print nothing but errors (for cron)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'crossing;forget'= {
            cand --profile 'The profile (default: the only one, or among several the one named "default")'
            cand --phrase-file 'Rebuild the cache from the store first, so any trusted snapshot can be named'
            cand --home 'Where crossing keeps its own state (public keys, profiles, backup cache); default ~/.local/share/crossing'
            cand --dry-run 'Show what would be forgotten; change nothing'
            cand --json 'Print one JSON object on stdout, errors included (docs/json.md)'
            cand -q 'Print nothing but errors (for cron)'
            cand --quiet 'Print nothing but errors (for cron)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'crossing;wipe'= {
            cand --profile 'The profile whose data directory to destroy (default: the only one, or among several the one named "default")'
            cand --data-dir 'Destroy DIR (not a profile''s) and crossing''s home; needs no state (a corrupt state.db)'
            cand --client 'With --data-dir: whose database key goes first (default: DIR''s profile''s client)'
            cand --home 'Where crossing keeps its own state (public keys, profiles, backup cache); default ~/.local/share/crossing'
            cand --all 'Every profile''s data directory'
            cand --keep-state 'Keep crossing''s home (state database, caches, locks); by default it is destroyed too'
            cand --thorough 'Afterwards fill the free space of each filesystem and churn its journal (slow)'
            cand --dry-run 'List what would be destroyed and change nothing'
            cand --stop-clients 'Stop the clients (Signal, Session, …) that have files open in the data directory first: SIGTERM, then SIGKILL after 10 s. Without it, a running client makes this refuse (exit 9)'
            cand --yes 'Do not ask for confirmation (needed without a terminal)'
            cand --json 'Print one JSON object on stdout, errors included (docs/json.md)'
            cand -q 'Print nothing but errors (for cron)'
            cand --quiet 'Print nothing but errors (for cron)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'crossing;duress'= {
            cand --home 'Where crossing keeps its own state (public keys, profiles, backup cache); default ~/.local/share/crossing'
            cand -q 'Print nothing but errors (for cron)'
            cand --quiet 'Print nothing but errors (for cron)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand set 'Set the app PIN and a duress code (each asked twice, without echo)'
            cand status 'Show what is set (needs the PIN)'
            cand clear 'Remove the PIN, the duress code and the failure limit (needs the PIN)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'crossing;duress;set'= {
            cand --max-failures 'Wipe after N consecutive wrong codes (at least 3; off by default). Setting the codes again keeps the limit already set unless this or --no-max-failures is given'
            cand --home 'Where crossing keeps its own state (public keys, profiles, backup cache); default ~/.local/share/crossing'
            cand --no-duress-code 'Set only a PIN (the duress slot is filled with random bytes all the same)'
            cand --no-max-failures 'Remove the failure limit set earlier'
            cand --stdin 'Read the codes as lines of standard input: the current PIN if one is set, the PIN twice, then the duress code twice'
            cand -q 'Print nothing but errors (for cron)'
            cand --quiet 'Print nothing but errors (for cron)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'crossing;duress;status'= {
            cand --home 'Where crossing keeps its own state (public keys, profiles, backup cache); default ~/.local/share/crossing'
            cand --stdin 'Read the PIN as a line of standard input'
            cand --json 'Print one JSON object on stdout, errors included (docs/json.md)'
            cand -q 'Print nothing but errors (for cron)'
            cand --quiet 'Print nothing but errors (for cron)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'crossing;duress;clear'= {
            cand --home 'Where crossing keeps its own state (public keys, profiles, backup cache); default ~/.local/share/crossing'
            cand --stdin 'Read the PIN as a line of standard input'
            cand -q 'Print nothing but errors (for cron)'
            cand --quiet 'Print nothing but errors (for cron)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'crossing;duress;help'= {
            cand set 'Set the app PIN and a duress code (each asked twice, without echo)'
            cand status 'Show what is set (needs the PIN)'
            cand clear 'Remove the PIN, the duress code and the failure limit (needs the PIN)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'crossing;duress;help;set'= {
        }
        &'crossing;duress;help;status'= {
        }
        &'crossing;duress;help;clear'= {
        }
        &'crossing;duress;help;help'= {
        }
        &'crossing;unlock'= {
            cand --profile 'On a duress code, wipe only this profile''s data directory (and crossing''s home); by default every profile''s'
            cand --home 'Where crossing keeps its own state (public keys, profiles, backup cache); default ~/.local/share/crossing'
            cand --stdin 'Read the PIN as a line of standard input (the rest is left to COMMAND)'
            cand -q 'Print nothing but errors (for cron)'
            cand --quiet 'Print nothing but errors (for cron)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'crossing;deadman'= {
            cand --home 'Where crossing keeps its own state (public keys, profiles, backup cache); default ~/.local/share/crossing'
            cand -q 'Print nothing but errors (for cron)'
            cand --quiet 'Print nothing but errors (for cron)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand set 'Arm the switch: wipe when there was no check-in for DURATION (e.g. 3d, 36h)'
            cand status 'Show whether the switch is armed, the time left and the deadline (read-only: never wipes, records nothing)'
            cand clear 'Disarm the switch (with an unlock gate set, this asks for the PIN)'
            cand check 'For cron: wipe if the time is up, else record the time that passed'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'crossing;deadman;set'= {
            cand --after 'How long without a check-in before the wipe (at least 1h unless --force)'
            cand --home 'Where crossing keeps its own state (public keys, profiles, backup cache); default ~/.local/share/crossing'
            cand --force 'Accept a period under one hour (a typo such as 3m instead of 3d would wipe the device while it is in use)'
            cand -q 'Print nothing but errors (for cron)'
            cand --quiet 'Print nothing but errors (for cron)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'crossing;deadman;status'= {
            cand --home 'Where crossing keeps its own state (public keys, profiles, backup cache); default ~/.local/share/crossing'
            cand --json 'Print one JSON object on stdout, errors included (docs/json.md)'
            cand -q 'Print nothing but errors (for cron)'
            cand --quiet 'Print nothing but errors (for cron)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'crossing;deadman;clear'= {
            cand --home 'Where crossing keeps its own state (public keys, profiles, backup cache); default ~/.local/share/crossing'
            cand --stdin 'Read the PIN as a line of standard input (when a gate is set)'
            cand -q 'Print nothing but errors (for cron)'
            cand --quiet 'Print nothing but errors (for cron)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'crossing;deadman;check'= {
            cand --home 'Where crossing keeps its own state (public keys, profiles, backup cache); default ~/.local/share/crossing'
            cand --json 'Print one JSON object on stdout, errors included (docs/json.md)'
            cand -q 'Print nothing but errors (for cron)'
            cand --quiet 'Print nothing but errors (for cron)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'crossing;deadman;help'= {
            cand set 'Arm the switch: wipe when there was no check-in for DURATION (e.g. 3d, 36h)'
            cand status 'Show whether the switch is armed, the time left and the deadline (read-only: never wipes, records nothing)'
            cand clear 'Disarm the switch (with an unlock gate set, this asks for the PIN)'
            cand check 'For cron: wipe if the time is up, else record the time that passed'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'crossing;deadman;help;set'= {
        }
        &'crossing;deadman;help;status'= {
        }
        &'crossing;deadman;help;clear'= {
        }
        &'crossing;deadman;help;check'= {
        }
        &'crossing;deadman;help;help'= {
        }
        &'crossing;checkin'= {
            cand --home 'Where crossing keeps its own state (public keys, profiles, backup cache); default ~/.local/share/crossing'
            cand --stdin 'Read the PIN as a line of standard input (when a gate is set)'
            cand -q 'Print nothing but errors (for cron)'
            cand --quiet 'Print nothing but errors (for cron)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'crossing;depart'= {
            cand --profile 'Depart with this profile only: back up, verify and wipe its data directory and forget its records, keeping crossing''s home and the other profiles. Without it, every profile departs and the home is wiped too. (No environment fallback: a CROSSING_PROFILE set for backups must not quietly narrow a departure.)'
            cand --crontab 'With --vanish: the crontab file to clean (e.g. /etc/cron.d/crossing) instead of your own crontab (`crontab -l`)'
            cand --home 'Where crossing keeps its own state (public keys, profiles, backup cache); default ~/.local/share/crossing'
            cand --thorough 'Wipe with a free-space fill and journal churn (slow; see `crossing wipe --help`)'
            cand --stop-clients 'Stop the clients (Signal, Session, …) that have files open in the data directory first: SIGTERM, then SIGKILL after 10 s. Without it, a running client makes this refuse (exit 9)'
            cand --yes 'Do not ask before wiping (needed without a terminal)'
            cand --allow-same-disk 'Wipe even though the folder store is on the same filesystem as the data directory (then the backup stays on this device: a test, or a drive you take away yourself)'
            cand --vanish 'After the wipe, also remove what names crossing on this device: the crontab lines that run it, the man pages and completions installed next to it or in your home, and this binary. Get it back after the crossing as you installed it (README: After the crossing)'
            cand --json 'Print one JSON object on stdout, errors included (docs/json.md)'
            cand -q 'Print nothing but errors (for cron)'
            cand --quiet 'Print nothing but errors (for cron)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'crossing;remote-wipe'= {
            cand --home 'Where crossing keeps its own state (public keys, profiles, backup cache); default ~/.local/share/crossing'
            cand -q 'Print nothing but errors (for cron)'
            cand --quiet 'Print nothing but errors (for cron)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand arm 'Arm this device: derive a secret shared with a friend (or make a token)'
            cand send 'As the friend: write the wipe request into the channel (after checking that the arming there is the user''s)'
            cand status 'On this device (no arguments): is it armed, since when, on which store and when it last checked, from its own state alone (read-only: no store is contacted, nothing fires). As the friend (--to or --token, and --store): is the device armed, was the request sent, did the device acknowledge it, and when'
            cand check 'For cron (and the start of every backup): wipe if the friend sent the request'
            cand disarm 'Forget the arming on this device and remove its channel object (with an unlock gate set, this asks for the PIN)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'crossing;remote-wipe;arm'= {
            cand --friend 'The friend''s pseudonym ID (05…); your phrase is asked once, not kept'
            cand --store 'The store that carries the channel (any store URL crossing supports)'
            cand --phrase-file 'Read the recovery phrase from FILE, or from standard input with "-". Without it the phrase is prompted for, without echo, on a terminal'
            cand --home 'Where crossing keeps its own state (public keys, profiles, backup cache); default ~/.local/share/crossing'
            cand --token 'Instead, print a random secret for a friend without crossing''s keys'
            cand -q 'Print nothing but errors (for cron)'
            cand --quiet 'Print nothing but errors (for cron)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'crossing;remote-wipe;send'= {
            cand --to 'The user''s pseudonym ID (05…); your own phrase is asked for'
            cand --store 'The store that carries the channel, as the user gave it'
            cand --phrase-file 'Read the recovery phrase from FILE, or from standard input with "-". Without it the phrase is prompted for, without echo, on a terminal'
            cand --timeout 'How long --wait waits (e.g. 30m, 2h)'
            cand --home 'Where crossing keeps its own state (public keys, profiles, backup cache); default ~/.local/share/crossing'
            cand --token 'The token the user''s `arm --token` printed. It is asked for without echo on a terminal, or read as a line of standard input: never on the command line, where `ps` shows it'
            cand --wait 'Then wait for the device''s acknowledgment (it checks from cron and at every backup), polling the channel every 5 seconds'
            cand --json 'Print one JSON object on stdout, errors included (docs/json.md): what was sent, and with --wait the acknowledgment'
            cand -q 'Print nothing but errors (for cron)'
            cand --quiet 'Print nothing but errors (for cron)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'crossing;remote-wipe;status'= {
            cand --to 'As the friend: the user''s pseudonym ID (05…); your own phrase is asked for'
            cand --store 'As the friend: the store that carries the channel, as the user gave it'
            cand --phrase-file 'Read the recovery phrase from FILE, or from standard input with "-". Without it the phrase is prompted for, without echo, on a terminal'
            cand --home 'Where crossing keeps its own state (public keys, profiles, backup cache); default ~/.local/share/crossing'
            cand --token 'As the friend: the token the user''s `arm --token` printed (asked for without echo, or read as a line of standard input)'
            cand --json 'Print one JSON object on stdout, errors included (docs/json.md)'
            cand -q 'Print nothing but errors (for cron)'
            cand --quiet 'Print nothing but errors (for cron)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'crossing;remote-wipe;check'= {
            cand --home 'Where crossing keeps its own state (public keys, profiles, backup cache); default ~/.local/share/crossing'
            cand --json 'Print one JSON object on stdout, errors included (docs/json.md)'
            cand -q 'Print nothing but errors (for cron)'
            cand --quiet 'Print nothing but errors (for cron)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'crossing;remote-wipe;disarm'= {
            cand --home 'Where crossing keeps its own state (public keys, profiles, backup cache); default ~/.local/share/crossing'
            cand --stdin 'Read the PIN as a line of standard input (when a gate is set)'
            cand -q 'Print nothing but errors (for cron)'
            cand --quiet 'Print nothing but errors (for cron)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'crossing;remote-wipe;help'= {
            cand arm 'Arm this device: derive a secret shared with a friend (or make a token)'
            cand send 'As the friend: write the wipe request into the channel (after checking that the arming there is the user''s)'
            cand status 'On this device (no arguments): is it armed, since when, on which store and when it last checked, from its own state alone (read-only: no store is contacted, nothing fires). As the friend (--to or --token, and --store): is the device armed, was the request sent, did the device acknowledge it, and when'
            cand check 'For cron (and the start of every backup): wipe if the friend sent the request'
            cand disarm 'Forget the arming on this device and remove its channel object (with an unlock gate set, this asks for the PIN)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'crossing;remote-wipe;help;arm'= {
        }
        &'crossing;remote-wipe;help;send'= {
        }
        &'crossing;remote-wipe;help;status'= {
        }
        &'crossing;remote-wipe;help;check'= {
        }
        &'crossing;remote-wipe;help;disarm'= {
        }
        &'crossing;remote-wipe;help;help'= {
        }
        &'crossing;writer'= {
            cand --home 'Where crossing keeps its own state (public keys, profiles, backup cache); default ~/.local/share/crossing'
            cand -q 'Print nothing but errors (for cron)'
            cand --quiet 'Print nothing but errors (for cron)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand list 'Every writer the phrase certified for the profile''s repository, with its last snapshot and whether depart sealed it or it was revoked'
            cand revoke 'Revoke a writer (a device taken without a wipe): nothing it signs after --as-of is trusted any more (needs the phrase)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'crossing;writer;list'= {
            cand --profile 'The profile (default: the only one, or among several the one named "default")'
            cand --phrase-file 'Read the recovery phrase from FILE, or from standard input with "-". Without it the phrase is prompted for, without echo, on a terminal'
            cand --home 'Where crossing keeps its own state (public keys, profiles, backup cache); default ~/.local/share/crossing'
            cand --json 'Print one JSON object on stdout, errors included (docs/json.md)'
            cand -q 'Print nothing but errors (for cron)'
            cand --quiet 'Print nothing but errors (for cron)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'crossing;writer;revoke'= {
            cand --as-of 'From when on its snapshots are untrusted: an RFC 3339 time (2026-12-01T12:00:00Z) or "now"'
            cand --profile 'The profile (default: the only one, or among several the one named "default")'
            cand --phrase-file 'Read the recovery phrase from FILE, or from standard input with "-". Without it the phrase is prompted for, without echo, on a terminal'
            cand --home 'Where crossing keeps its own state (public keys, profiles, backup cache); default ~/.local/share/crossing'
            cand -q 'Print nothing but errors (for cron)'
            cand --quiet 'Print nothing but errors (for cron)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'crossing;writer;help'= {
            cand list 'Every writer the phrase certified for the profile''s repository, with its last snapshot and whether depart sealed it or it was revoked'
            cand revoke 'Revoke a writer (a device taken without a wipe): nothing it signs after --as-of is trusted any more (needs the phrase)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'crossing;writer;help;list'= {
        }
        &'crossing;writer;help;revoke'= {
        }
        &'crossing;writer;help;help'= {
        }
        &'crossing;help'= {
            cand pseudonym 'Create, import, list and remove pseudonyms (identities made only of a key pair)'
            cand init 'Record a profile: which data directory to protect, where to store it, for whom'
            cand profile 'List, show and remove profiles'
            cand backup 'Write an encrypted, deduplicated snapshot of a profile''s data directory to its store'
            cand restore 'Restore a snapshot into a data directory, verified, atomically (needs the phrase)'
            cand snapshots 'List the snapshots in a store'
            cand ls 'List what a snapshot holds, or one path of it and below (needs the phrase)'
            cand diff 'Show the paths added, removed and changed between two snapshots (needs the phrase)'
            cand stats 'Repository size, deduplication and per-snapshot sizes'
            cand check 'Verify a repository: structure, or with --read-data every byte'
            cand repair 'Rebuild a damaged or missing index from the packs, and name what is lost (needs the phrase)'
            cand prune 'Forget snapshots outside a retention policy or past --expire-after, and delete their data'
            cand forget 'Forget the named snapshots; their data is deleted by the next prune'
            cand wipe 'Destroy a profile''s data directory and crossing''s own state, file by file (see docs/wipe.md)'
            cand duress 'Set, show or clear the unlock gate''s PIN, duress code and failure limit'
            cand unlock 'The gate in front of a client: the PIN runs COMMAND; the duress code wipes, then does the same'
            cand deadman 'A dead-man switch: wipe when nobody checked in for a while'
            cand checkin 'Check in: resets the dead-man switch (every correct `unlock` does too; with an unlock gate set, this asks for the PIN)'
            cand depart 'Before a crossing: back up every profile, verify each snapshot is complete in its store, then wipe every data directory and crossing''s home'
            cand remote-wipe 'Let a trusted friend wipe this device remotely, through an object store'
            cand writer 'The devices that write a repository: list them, or revoke one that was taken'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'crossing;help;pseudonym'= {
            cand new 'Make a fresh recovery phrase and show it once, with the pseudonym''s ID'
            cand import 'Import a pseudonym from its existing recovery phrase'
            cand list 'List pseudonyms (public data only)'
            cand show 'Show one pseudonym''s public data'
            cand remove 'Forget a pseudonym on this device (its backups stay in the store)'
            cand certify 'Make this device a certified writer of the pseudonym''s backups (needs the phrase once): every snapshot it writes is then signed, and a restore trusts only what chains to the phrase'
        }
        &'crossing;help;pseudonym;new'= {
        }
        &'crossing;help;pseudonym;import'= {
        }
        &'crossing;help;pseudonym;list'= {
        }
        &'crossing;help;pseudonym;show'= {
        }
        &'crossing;help;pseudonym;remove'= {
        }
        &'crossing;help;pseudonym;certify'= {
        }
        &'crossing;help;init'= {
        }
        &'crossing;help;profile'= {
            cand list 'List profiles'
            cand show 'Show one profile'
            cand remove 'Forget a profile and its backup cache (data directory and store untouched)'
        }
        &'crossing;help;profile;list'= {
        }
        &'crossing;help;profile;show'= {
        }
        &'crossing;help;profile;remove'= {
        }
        &'crossing;help;backup'= {
        }
        &'crossing;help;restore'= {
        }
        &'crossing;help;snapshots'= {
        }
        &'crossing;help;ls'= {
        }
        &'crossing;help;diff'= {
        }
        &'crossing;help;stats'= {
        }
        &'crossing;help;check'= {
        }
        &'crossing;help;repair'= {
        }
        &'crossing;help;prune'= {
        }
        &'crossing;help;forget'= {
        }
        &'crossing;help;wipe'= {
        }
        &'crossing;help;duress'= {
            cand set 'Set the app PIN and a duress code (each asked twice, without echo)'
            cand status 'Show what is set (needs the PIN)'
            cand clear 'Remove the PIN, the duress code and the failure limit (needs the PIN)'
        }
        &'crossing;help;duress;set'= {
        }
        &'crossing;help;duress;status'= {
        }
        &'crossing;help;duress;clear'= {
        }
        &'crossing;help;unlock'= {
        }
        &'crossing;help;deadman'= {
            cand set 'Arm the switch: wipe when there was no check-in for DURATION (e.g. 3d, 36h)'
            cand status 'Show whether the switch is armed, the time left and the deadline (read-only: never wipes, records nothing)'
            cand clear 'Disarm the switch (with an unlock gate set, this asks for the PIN)'
            cand check 'For cron: wipe if the time is up, else record the time that passed'
        }
        &'crossing;help;deadman;set'= {
        }
        &'crossing;help;deadman;status'= {
        }
        &'crossing;help;deadman;clear'= {
        }
        &'crossing;help;deadman;check'= {
        }
        &'crossing;help;checkin'= {
        }
        &'crossing;help;depart'= {
        }
        &'crossing;help;remote-wipe'= {
            cand arm 'Arm this device: derive a secret shared with a friend (or make a token)'
            cand send 'As the friend: write the wipe request into the channel (after checking that the arming there is the user''s)'
            cand status 'On this device (no arguments): is it armed, since when, on which store and when it last checked, from its own state alone (read-only: no store is contacted, nothing fires). As the friend (--to or --token, and --store): is the device armed, was the request sent, did the device acknowledge it, and when'
            cand check 'For cron (and the start of every backup): wipe if the friend sent the request'
            cand disarm 'Forget the arming on this device and remove its channel object (with an unlock gate set, this asks for the PIN)'
        }
        &'crossing;help;remote-wipe;arm'= {
        }
        &'crossing;help;remote-wipe;send'= {
        }
        &'crossing;help;remote-wipe;status'= {
        }
        &'crossing;help;remote-wipe;check'= {
        }
        &'crossing;help;remote-wipe;disarm'= {
        }
        &'crossing;help;writer'= {
            cand list 'Every writer the phrase certified for the profile''s repository, with its last snapshot and whether depart sealed it or it was revoked'
            cand revoke 'Revoke a writer (a device taken without a wipe): nothing it signs after --as-of is trusted any more (needs the phrase)'
        }
        &'crossing;help;writer;list'= {
        }
        &'crossing;help;writer;revoke'= {
        }
        &'crossing;help;help'= {
        }
    ]
    $completions[$command]
}
