namespace SeLetters.Data.Entities;

/// <summary>One step of the pipeline's processing of a letter, for debugging.</summary>
public class ProcessingDebugStep
{
    public int Id { get; set; }
    public int LetterId { get; set; }
    public required string ProcessingStep { get; set; }
    public DateTime? StepTimestamp { get; set; }
    public float? StepDurationMs { get; set; }
    public bool? StepSuccess { get; set; }
    public string? StepDetails { get; set; }
    public string? ErrorMessage { get; set; }

    public Letter? Letter { get; set; }
}
