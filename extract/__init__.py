"""From a document to candidate ties: a transparent, rule-based coder.

Why rules and not a trained model: every candidate must be checkable against the
sentence it came from, and nothing may be downloaded at run time.  The pipeline is

* ``text``: read plain text, Markdown or HTML into paragraphs and sentences, each
  with a locator ("para. 3, sentence 2");
* ``gazetteer``: actor names, aliases, demonyms, capitals, ministries, companies
  and weapon systems (with their makers) resolved to actor ids; a name it cannot
  resolve is listed as unresolved, never invented;
* ``when``: dates as precise as the text gives them, relative dates resolved
  against the document's date;
* ``rules``: cue lexicons (``lexicons/*.yaml``, data a coder can read and
  extend) give the tie type, the verb gives the status, negations, hypotheticals
  and questions are not coded;
* ``candidates``: one event reported over several sentences becomes one
  candidate, written as an ordinary tie file that ``tiegraph validate`` accepts;
* ``review``: a person accepts, edits or rejects candidates into a data directory.
"""
