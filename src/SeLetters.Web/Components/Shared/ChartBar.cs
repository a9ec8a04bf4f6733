namespace SeLetters.Web.Components.Shared;

/// <summary>One bar of a <see cref="BarChart"/>: its label, its value, and an optional note shown in its data table.</summary>
public sealed record ChartBar(string Label, double Value, string? Note = null);
