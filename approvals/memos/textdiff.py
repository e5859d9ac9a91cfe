"""What changed in a text, for plain text (the memo e-mail's text part): only the sentences
that changed, each with its removed words as [-…-] and its added words as {+…+}.

A long description changed in one word is one line, not two full copies of the text."""

import difflib
import re

# A sentence ends at a line break, or at . ! ? after a letter and before a capital letter
# ("1. april" and "ca. 20" do not end one).
SENTENCE_END = re.compile(r"(?<=[^\W\d_][.!?])\s+(?=[A-ZÆØÅ\"«])|\s*\n+\s*")


def sentences(text):
    return [s for s in SENTENCE_END.split((text or "").replace("\r\n", "\n").strip()) if s.strip()]


def _removed(words):
    return f"[-{' '.join(words)}-]"


def _added(words):
    return f"{{+{' '.join(words)}+}}"


def marked_sentence(before, after):
    """One changed sentence with its word-level changes marked inline."""
    a, b = before.split(), after.split()
    out = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op == "equal":
            out.extend(a[i1:i2])
        if op in ("delete", "replace"):
            out.append(_removed(a[i1:i2]))
        if op in ("insert", "replace"):
            out.append(_added(b[j1:j2]))
    return " ".join(out)


def changed_sentences(before, after):
    """["… sentence with [-old-] {+new+} words …", "{+A new sentence.+}", "[-A removed one.-]"]:
    the changed sentences only, in the order of the new text. A replaced sentence is marked
    word by word when it is mostly the same, else shown removed and added."""
    a, b = sentences(before), sentences(after)
    lines = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op == "equal":
            continue
        old, new = a[i1:i2], b[j1:j2]
        while old and new:
            one, other = old.pop(0), new.pop(0)
            similar = difflib.SequenceMatcher(a=one.split(), b=other.split(), autojunk=False).ratio() >= 0.5
            lines.extend([marked_sentence(one, other)] if similar else [_removed([one]), _added([other])])
        lines.extend(_removed([s]) for s in old)
        lines.extend(_added([s]) for s in new)
    return lines
