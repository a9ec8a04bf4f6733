namespace SeLetters.LoadBench;

/// <summary>The endpoints the benchmark drives, each reported on its own.</summary>
internal enum Operation
{
    Search,
    GetById,
    Statistics,
    Store,
}
