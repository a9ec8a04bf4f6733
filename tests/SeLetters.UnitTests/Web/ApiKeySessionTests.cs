using SeLetters.Web.Security;

namespace SeLetters.UnitTests.Web;

public sealed class ApiKeySessionTests
{
    [Theory]
    [InlineData("/letters/5?updated=true", "/letters/5?updated=true")]
    [InlineData("/", "/")]
    [InlineData(null, "/")]
    [InlineData("", "/")]
    [InlineData("//evil.example/path", "/")]
    [InlineData("/\\evil.example", "/")]
    [InlineData("https://evil.example/", "/")]
    [InlineData("letters", "/")]
    public void Signing_in_returns_only_to_a_page_of_this_site(string? returnUrl, string expected) =>
        Assert.Equal(expected, ApiKeySession.LocalReturnUrl(returnUrl));
}
