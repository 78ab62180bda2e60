#!/usr/bin/env bash
# Makes the man pages and shell completions of custodyd and custodyctl from the
# binaries' own argument parsers (swift-argument-parser):
#
#   scripts/generate-docs.sh BIN OUT
#
# OUT/man/custodyd.8 and custodyctl.1 come from swift-argument-parser's
# generate-manual tool (the `generate-manual` package plugin builds it, offline,
# from the checked-out dependency); OUT/completions/ holds bash, zsh and fish
# completions from `--generate-completion-script`.
set -euo pipefail
bin=$(cd "${1:?directory of custodyd and custodyctl}" && pwd)
out=${2:?output directory}
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"

tool=$(find .build -maxdepth 3 -name generate-manual-tool -type f -perm -u+x 2>/dev/null | head -1)
if [ -z "$tool" ]; then
  # Asking the plugin for its help builds its tool (and nothing else).
  ${SWIFT:-swift} package plugin generate-manual --help >/dev/null
  tool=$(find .build -maxdepth 3 -name generate-manual-tool -type f -perm -u+x | head -1)
fi
[ -n "$tool" ] || { echo "generate-docs: swift-argument-parser's generate-manual tool was not built" >&2; exit 1; }

# The pages carry the date of the last commit, so that the same tree makes the same files.
date=$(git log -1 --format=%cs 2>/dev/null || date -u +%F)
mkdir -p "$out/man" "$out/completions"
"$tool" "$bin/custodyd" --section 8 --date "$date" --authors "The Custody developers" --output-directory "$out/man"
"$tool" "$bin/custodyctl" --section 1 --date "$date" --authors "The Custody developers" --output-directory "$out/man"
# What the argument parsers do not know: signals, environment, files, real exit statuses
# (docs/man/*.md), and custodyd.toml(5), made from docs/configuration.md.
python=${PYTHON:-/usr/bin/python3}
"$python" scripts/md-to-mdoc.py sections docs/man/custodyd.8.md "$out/man/custodyd.8"
"$python" scripts/md-to-mdoc.py sections docs/man/custodyctl.1.md "$out/man/custodyctl.1"
mdate=$(LC_ALL=C date -u -d "$date" '+%B %-d, %Y')
"$python" scripts/md-to-mdoc.py page docs/configuration.md --source docs/configuration.md \
  --name custodyd.toml --section 5 --date "$mdate" \
  --description "configuration file of custodyd, Custody's evidence-intake daemon" \
  --synopsis /etc/custody/custodyd.toml --see-also "custodyd(8)" --see-also "custodyctl(1)" > "$out/man/custodyd.toml.5"

for t in custodyd custodyctl; do
  # Sourced by bash-completion, not run: no #! line.
  "$bin/$t" --generate-completion-script bash | sed '1{/^#!/d}' > "$out/completions/$t.bash"
  "$bin/$t" --generate-completion-script zsh > "$out/completions/_$t"
  "$bin/$t" --generate-completion-script fish > "$out/completions/$t.fish"
done
for f in "$out/man/custodyd.8" "$out/man/custodyctl.1" "$out/man/custodyd.toml.5" "$out"/completions/*; do
  [ -s "$f" ] || { echo "generate-docs: $f is empty" >&2; exit 1; }
done
echo "generate-docs: man pages and completions in $out"
