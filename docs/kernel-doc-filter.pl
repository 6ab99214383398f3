#!/usr/bin/perl
# SPDX-License-Identifier: MIT
#
# Doxygen INPUT_FILTER for libvfio's public headers: turns their kernel-doc
# into Doxygen's own markup, keeping every line where it was (so Doxygen's
# warnings point at the real line).
#
#   /**                                   /**
#    * name() - summary                    * @brief summary
#    * @param: text                 =>     * @param param text
#    *                                     *
#    * Return: text                        * @return text
#    */                                    */
#
# - "struct s - summary" (union, enum, typedef alike) becomes @brief, and each
#   "@member: text" of a struct or union a "@var s::member" block (of an enum,
#   "@var CONSTANT"), written at the end of the file (Doxygen places those by
#   name).  "Return: nothing." of a void function is left as prose.
# - In the text: @name becomes "@p name" (kernel-doc's reference to a
#   parameter), %CONST and &struct lose their sigil, and <, > and # are
#   escaped (<vfio/sim.h> is not an HTML tag, #SEQ not a link).
# - Plain comments that document something: the first one of the file
#   (after SPDX) is the file's @file text; one that trails a declaration on its
#   line becomes "/**< ... */"; one standing right above a declaration or
#   #define becomes "/** ... */".  Section rulers ("/* ---- x ---- */") stay.
#
# Usage (Doxygen does this): perl kernel-doc-filter.pl FILE > filtered

use strict;
use warnings;

local $/;
my $file = shift @ARGV or die "usage: $0 FILE\n";
open(my $fh, '<', $file) or die "$file: $!\n";
my $src = <$fh>;
close($fh);

my @vars;      # "@var" blocks for struct members, emitted at the end
my $seen_file; # the file comment is done

# Escape what Doxygen would read as markup in prose.
sub prose {
	my ($t) = @_;
	$t =~ s/([<>#])/\\$1/g;
	$t =~ s/%([A-Za-z_])/$1/g;
	$t =~ s/&(struct|union|enum)\b/$1/g;
	$t =~ s/(?<![\w\\])@([A-Za-z_][A-Za-z0-9_]*)/\@p $1/g;
	return $t;
}

# A kernel-doc block (its text, "/**" to "*/"); line count preserved.
sub kerneldoc {
	my ($c) = @_;
	my @l = split(/\n/, $c, -1);
	my ($kind, $name) = ('', '');
	my $member; # the @member whose continuation lines we are in (struct)
	for my $i (0 .. $#l) {
		my $line = $l[$i];
		if ($i == 1 && $line =~ /^(\s*\*\s*)(?:(struct|union|enum|typedef)\s+)?(\w+)(\(\))?\s+-\s+(.*)$/) {
			($kind, $name) = ($2 // ($4 ? 'function' : 'other'), $3);
			$l[$i] = "$1\@brief " . prose($5);
			next;
		}
		next if $i == 0 || $i == $#l;
		my $is_aggregate = $kind eq 'struct' || $kind eq 'union' || $kind eq 'enum';
		if ($line =~ /^(\s*\*\s*)@(\w+):\s*(.*)$/) {
			my ($lead, $p, $text) = ($1, $2, $3);
			if ($is_aggregate) {
				# enum constants are C's file-scope names
				push @vars, [ $kind eq 'enum' ? '' : $name, $p, prose($text) ];
				$member = $#vars;
				$l[$i] = ' *';
			} else {
				$member = undef;
				$l[$i] = "$lead\@param $p " . prose($text);
			}
			next;
		}
		if (defined $member && $line =~ /^\s*\*(?:\t|\s{2,})\s*(\S.*)$/) {
			$vars[$member][2] .= ' ' . prose($1);
			$l[$i] = ' *';
			next;
		}
		$member = undef;
		# a void function's "Return: nothing." is no @return to Doxygen
		if ($line =~ /^(\s*\*\s*)Return:\s*nothing\.?\s*$/) {
			$l[$i] = "$1Returns nothing.";
			next;
		}
		if ($line =~ /^(\s*\*\s*)Return:\s*(.*)$/) {
			$l[$i] = "$1\@return " . prose($2);
			next;
		}
		$l[$i] = prose($line);
	}
	return join("\n", @l);
}

# A plain comment: $before is the text of its line before "/*", $after what
# follows the comment up to the next non-blank line.
sub plain {
	my ($c, $before, $after) = @_;
	return $c if $c =~ /SPDX-License-Identifier/;
	if (!$seen_file && $before !~ /\S/) {
		$seen_file = 1;
		$c =~ s{^/\*}{/** \@file};
		return prose_block($c);
	}
	return $c if $c =~ m{^/\*\s*-{2,}.*-{2,}\s*\*/$}; # a ruler
	return $c if $before =~ /^\s*#\s*(if|ifdef|ifndef|elif|else|endif|include)\b/;
	if ($before =~ /\S/) {
		$c =~ s{^/\*}{/**<};
		return prose_block($c);
	}
	if ($after =~ /^\s*(#\s*define\b|[A-Za-z_][\w\s\*\(\),]*[;\(=\{]|[A-Za-z_])/
	    && $after !~ /^\s*(#\s*(if|ifdef|ifndef|endif|else|include)|extern\s+"C"|\})/) {
		$c =~ s{^/\*}{/**};
		return prose_block($c);
	}
	return $c;
}

sub prose_block {
	my ($c) = @_;
	# keep the opening and closing markers, escape the text between
	$c =~ s{^(/\*\*<?(?: \@file)?)(.*?)(\*/)$}{$1 . prose($2) . $3}se;
	return $c;
}

my $out = '';
my $pos = 0;
while ($src =~ m{/\*.*?\*/}gs) {
	my ($start, $end) = ($-[0], $+[0]);
	my $c = substr($src, $start, $end - $start);
	my $line_start = rindex($src, "\n", $start - 1) + 1;
	my $before = substr($src, $line_start, $start - $line_start);
	$out .= substr($src, $pos, $start - $pos);
	if ($c =~ m{^/\*\*(?!<)}) {
		$out .= kerneldoc($c);
	} else {
		my ($after) = substr($src, $end) =~ /^[ \t]*\n?((?:[ \t]*\n)*[^\n]*)/;
		$out .= plain($c, $before, $after // '');
	}
	$pos = $end;
}
$out .= substr($src, $pos);

for my $v (@vars) {
	my ($agg, $member, $text) = @$v;
	my $scope = $agg eq '' ? '' : "${agg}::";
	$out .= "/** \@var $scope$member\n * $text */\n";
}
print $out;
