using System.Text;

namespace SeLetters.MigrationService.Import;

/// <summary>A growable UTF-8 byte buffer, reused between rows.</summary>
internal sealed class Utf8Buffer
{
    private byte[] _bytes = new byte[4096];

    public int Length { get; private set; }

    public ReadOnlySpan<byte> Span => _bytes.AsSpan(0, Length);

    public void Clear() => Length = 0;

    public Utf8Buffer Append(ReadOnlySpan<byte> bytes)
    {
        Reserve(bytes.Length);
        bytes.CopyTo(_bytes.AsSpan(Length));
        Length += bytes.Length;
        return this;
    }

    public Utf8Buffer Append(ReadOnlySpan<char> text)
    {
        Reserve(Encoding.UTF8.GetMaxByteCount(text.Length));
        Length += Encoding.UTF8.GetBytes(text, _bytes.AsSpan(Length));
        return this;
    }

    public Utf8Buffer Append(string text) => Append(text.AsSpan());

    public Utf8Buffer Append(byte value)
    {
        Reserve(1);
        _bytes[Length++] = value;
        return this;
    }

    private void Reserve(int count)
    {
        if (Length + count > _bytes.Length)
        {
            Array.Resize(ref _bytes, Math.Max(Length + count, _bytes.Length * 2));
        }
    }
}
