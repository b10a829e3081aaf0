namespace Signals.EntityFrameworkCore;

/// <summary>The model annotations of change data capture.</summary>
internal static class CaptureAnnotations
{
    /// <summary>On the model: <see langword="true"/> when every <see cref="ISignalSource"/> entity type is captured (removed when the model is finalized).</summary>
    public const string CaptureAll = "Signals:CaptureAll";

    /// <summary>
    /// On an entity type: <see langword="true"/>/<see langword="false"/> as requested, replaced when the model is finalized by the capture's
    /// description (<see cref="CapturedTable.ToJson"/>), which migrations snapshots keep and the migrations differ compares.
    /// </summary>
    public const string Capture = "Signals:Capture";

    /// <summary>
    /// On the model, or on an entity type to override the model's: the name of a <see cref="SignalCaptureMechanism"/> (on the model only
    /// when it is not <see cref="SignalCaptureMechanism.Triggers"/>). Removed when the model is finalized; the descriptions keep it.
    /// </summary>
    public const string Mechanism = "Signals:CaptureMechanism";

    /// <summary>On a captured entity type, at run time: whether its capture writes in the writer's transaction (triggers).</summary>
    public const string ByTriggers = "Signals:CaptureByTriggers";
}
