#!/bin/sh
# Refresh the vendored Rijkshuisstijl community CSS (NL Design System) from npm.
# The built files are committed so that `make run` needs only Python: run this by
# hand after changing a version below, look at the pages, and commit the result.
# Needs npm; fetches through npm's own registry configuration (no URL here).
set -eu
COMPONENTS_VERSION=12.0.0
TOKENS_VERSION=11.1.0

here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
npm pack --silent "@rijkshuisstijl-community/components-css@$COMPONENTS_VERSION" >/dev/null
npm pack --silent "@rijkshuisstijl-community/design-tokens@$TOKENS_VERSION" >/dev/null

unpack() { # tarball target-dir files...
	tarball=$1 target=$2
	shift 2
	mkdir -p "$work/x" "$here/$target"
	rm -rf "$work/x/package"
	tar xzf "$tarball" -C "$work/x"
	for f in "$@"; do cp "$work/x/package/$f" "$here/$target/$(basename "$f")"; done
}
unpack rijkshuisstijl-community-components-css-$COMPONENTS_VERSION.tgz components-css \
	dist/index.css LICENSE.md
unpack rijkshuisstijl-community-design-tokens-$TOKENS_VERSION.tgz design-tokens \
	dist/index.css LICENSE.md
echo "components-css $COMPONENTS_VERSION, design-tokens $TOKENS_VERSION vendored in $here"
printf 'components-css %s\ndesign-tokens %s\n' "$COMPONENTS_VERSION" "$TOKENS_VERSION" >"$here/VERSIONS"
