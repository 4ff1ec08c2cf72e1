#!/usr/bin/env bash
# tests/readme/readme_test.sh PROPRIO_BIN README.md
#
# The README runs as written: every command of its ```sh blocks, and every
# inline `proprio ...` command without a placeholder, is run in the order it
# appears, against the database `make run` builds (proprio init; proprio
# demo), in a temporary directory holding a copy of policies/. A command
# that fails is reported with its README line, so the README cannot drift
# from the program.
#
# Conventions the README follows (its section "Development" says so too):
#   - a trailing comment naming `exit N` ("# refused (exit 6) ...") expects
#     exit code N; every other command must exit 0;
#   - a `#> text` line after a command is output it must print (stdout or
#     stderr, whitespace collapsed);
#   - a command holding a placeholder (`...`, `[`, `|`, or an all-capitals
#     word such as FILE, ID, N), `make`, and `proprio serve` (it does not end)
#     are shown, not run; `proprio serve` is started on a free port for the
#     curl commands instead, whose 127.0.0.1:8080 becomes that port.
set -u
bin=$1
readme=$(cd "$(dirname "$2")" && pwd)/$(basename "$2")
src=$(dirname "$readme")
work=$(mktemp -d /tmp/proprio-readme.XXXXXX)
server_pid=""
cleanup() {
  if [[ -n $server_pid ]]; then kill "$server_pid" 2>/dev/null; wait "$server_pid" 2>/dev/null; fi
  rm -rf "$work"
}
trap cleanup EXIT

mkdir "$work/bin"
ln -s "$bin" "$work/bin/proprio"
export PATH="$work/bin:$PATH"
cp -r "$src/policies" "$work/policies"
cd "$work" || exit 1

if ! proprio init >init.out 2>&1 || ! proprio demo >demo.out 2>&1; then
  echo "README test: could not build the demo database"; cat init.out demo.out
  exit 1
fi

# Records: line, kind (block|inline), expected exit, command, expected output
# lines; fields separated by \x1f, records by NUL.
extract() {
  perl -e '
    use strict; use warnings;
    my ($path) = @ARGV;
    open(my $fh, "<", $path) or die "$path: $!";
    my @lines = <$fh>; chomp @lines;
    my (@para, @para_line);
    my @records;
    my $placeholder = qr/\.\.\.|\[|\||(?<![\w-])[A-Z][A-Z0-9_]*(?![\w-])|^proprio serve\b|^make\b/;
    sub flush_para {
      my ($para, $pline, $out) = @_;
      return unless @$para;
      my $text = join(" ", @$para);
      while ($text =~ /`(proprio [^`]+)`/g) {
        my $cmd = $1; my $at = $-[0];
        $cmd =~ s/\s+/ /g;
        next if $cmd =~ $placeholder;
        # a bare command name ("proprio breach") is a name, not a call
        next unless $cmd =~ / --/ || scalar(split / /, $cmd) >= 4;
        # the line of the span: count the characters of the joined lines
        my ($n, $line) = (0, $pline->[0]);
        for my $i (0..$#$para) { if ($n + length($para->[$i]) + 1 > $at) { $line = $pline->[$i]; last } $n += length($para->[$i]) + 1; }
        push @$out, [$line, "inline", 0, $cmd, ""];
      }
      @$para = (); @$pline = ();
    }
    my $i = 0;
    while ($i < @lines) {
      my $l = $lines[$i];
      if ($l =~ /^```(\S*)/) {
        my $lang = $1;
        flush_para(\@para, \@para_line, \@records);
        $i++;
        while ($i < @lines && $lines[$i] !~ /^```/) {
          if ($lang ne "sh") { $i++; next; }
          my $t = $lines[$i];
          if ($t =~ /^\s*#>\s?(.*)$/) {
            $records[-1][4] .= "$1\n" if @records && $records[-1][1] eq "block";
            $i++; next;
          }
          if ($t =~ /^\s*(#|$)/) { $i++; next; }
          my $start = $i + 1;
          my $cmd = $t;
          # continue over backslash-newlines and open quotes
          while ($i + 1 < @lines && ($cmd =~ /\\$/ || system("bash", "-n", "-c", $cmd) != 0)) {
            $i++; $cmd .= "\n" . $lines[$i];
          }
          my $exit = 0;
          for my $part (split /\n/, $cmd) { $exit = $1 if $part =~ /#.*\bexit (\d+)/; }
          my $first = $cmd; $first =~ s/^\s+//;
          (my $code = $cmd) =~ s/\s#\s[^\n]*//g;   # the comments aside
          my $skip = ($first =~ /^make\b/ || $code =~ /(?<![\w-])\.\.\.(?![\w-])/);
          push @records, [$start, "block", $exit, $cmd, ""] unless $skip;
          $i++;
        }
        $i++;
        next;
      }
      if ($l =~ /^\s*$/) { flush_para(\@para, \@para_line, \@records); }
      else { push @para, $l; push @para_line, $i + 1; }
      $i++;
    }
    flush_para(\@para, \@para_line, \@records);
    for my $r (@records) { print join("\x1f", @$r), "\0"; }
  ' "$readme" 2>/dev/null
}

start_server() {
  proprio serve --listen 127.0.0.1:0 >server.out 2>server.err &
  server_pid=$!
  for _ in $(seq 1 200); do
    port=$(sed -nE 's|.*listening on https?://127\.0\.0\.1:([0-9]+).*|\1|p' server.out | head -1)
    [[ -n $port ]] && return 0
    sleep 0.05
  done
  echo "README test: proprio serve did not start"; cat server.out server.err
  exit 1
}

stop_server() {
  if [[ -n $server_pid ]]; then
    kill -TERM "$server_pid" 2>/dev/null; wait "$server_pid" 2>/dev/null; server_pid=""
  fi
}

squash() { tr -s ' \t\n' '   ' | sed -e 's/^ //' -e 's/ $//'; }

ran=0
failed=0
port=""
while IFS= read -r -d '' record; do
  fields=()
  while [[ $record == *$'\x1f'* ]]; do
    fields+=("${record%%$'\x1f'*}")
    record=${record#*$'\x1f'}
  done
  fields+=("$record")
  line=${fields[0]} kind=${fields[1]} want=${fields[2]} cmd=${fields[3]} expect=${fields[4]}
  if [[ $cmd == *127.0.0.1:8080* ]]; then
    [[ -z $server_pid ]] && start_server
    cmd=${cmd//127.0.0.1:8080/127.0.0.1:$port}
  else
    stop_server
  fi
  ran=$((ran + 1))
  # In this shell, so that a variable set by one command (TOKEN=...) holds
  # for the next, as in a terminal.
  { eval "$cmd"; } >cmd.out 2>cmd.err </dev/null
  rc=$?
  problem=""
  if [[ $rc != "$want" ]]; then
    problem="exit $rc, README expects $want"
  else
    got=$(cat cmd.out cmd.err | squash)
    while IFS= read -r e; do
      e=$(printf '%s' "$e" | squash)
      [[ -z $e ]] && continue
      if [[ $got != *"$e"* ]]; then problem="output lacks: $e"; break; fi
    done <<<"$expect"
  fi
  if [[ -n $problem ]]; then
    failed=$((failed + 1))
    echo "README.md:$line ($kind): $problem"
    echo "  command: $cmd"
    sed 's/^/  stdout: /' cmd.out | head -20
    sed 's/^/  stderr: /' cmd.err | head -20
  fi
done < <(extract)
stop_server

echo "README test: $ran commands run, $failed failed"
[[ $ran -gt 20 && $failed == 0 ]]
