using CsCheck;
using SeLetters.Web.Components.Shared;

namespace SeLetters.UnitTests.Web;

public sealed class TextMatchesTests
{
    // Letters, case pairs, non-BMP characters (two UTF-16 units), control characters and the LIKE wildcards.
    private static readonly Gen<string> Text = Gen.OneOf(Gen.Char["aAbB%_ \u0001"], Gen.Const('\u00e9'), Gen.Const('\u00c9')).Array[0, 12]
        .Select(chars => new string(chars))
        .SelectMany(text => Gen.Int[0, 2].Select(emoji => text + string.Concat(Enumerable.Repeat("😀", emoji))));

    [Fact]
    public void The_pieces_join_back_into_the_text_and_mark_exactly_the_terms_occurrences()
    {
        Gen.Select(Text, Text).Sample((text, term) =>
        {
            var pieces = TextMatches.Split(text, term);
            var needle = term.Trim().ToLowerInvariant();

            Assert.Equal(text, string.Concat(pieces.Select(piece => piece.Text)));
            if (needle.Length == 0)
            {
                Assert.DoesNotContain(pieces, piece => piece.Match);
                return;
            }

            Assert.All(pieces.Where(piece => piece.Match), piece => Assert.Equal(needle, piece.Text.ToLowerInvariant()));
            // Nothing left unmarked that the term matches: no unmarked piece holds it, and unmarked pieces never follow each other.
            Assert.All(pieces.Where(piece => !piece.Match), piece => Assert.DoesNotContain(needle, piece.Text.ToLowerInvariant(), StringComparison.Ordinal));
            Assert.DoesNotContain(pieces.Zip(pieces.Skip(1)), pair => !pair.First.Match && !pair.Second.Match);
        });
    }

    [Fact]
    public void Matches_every_occurrence_whatever_its_case_and_takes_wildcards_literally()
    {
        Assert.Equal([("", false)], TextMatches.Split("", "relay").Where(p => p.Text.Length > 0 || true).Take(1));
        Assert.Equal([("Relay", true), (" and ", false), ("RELAY", true), (".pdf", false)], TextMatches.Split("Relay and RELAY.pdf", " relay "));
        Assert.Equal([("100", false), ("%_", true), ("x", false)], TextMatches.Split("100%_x", "%_"));
        Assert.Equal([("ÉTÉ", true)], TextMatches.Split("ÉTÉ", "été"));
    }
}
