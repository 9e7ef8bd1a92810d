namespace Feed.SharedKernel.Problems;

/// <summary>A failure a handler reports on purpose; the host maps it to an RFC 9457 response.</summary>
public abstract class FeedProblemException(int status, string title, string detail, string? field = null)
    : Exception(detail)
{
    public int Status { get; } = status;

    public string Title { get; } = title;

    /// <summary>The request field at fault, as it is spelled in JSON, when there is one.</summary>
    public string? Field { get; } = field;
}

public sealed class NotFoundException(string detail) : FeedProblemException(404, "Not Found", detail);

public sealed class ConflictException(string field, string detail) : FeedProblemException(409, "Conflict", detail, field);

public sealed class ForbiddenException(string detail) : FeedProblemException(403, "Forbidden", detail);

public sealed class UnauthorizedException(string detail) : FeedProblemException(401, "Unauthorized", detail);

/// <summary>A rule that needs state to check (e.g. following yourself) failed: a 400 naming the field.</summary>
public sealed class InvalidFieldException(string field, string detail) : FeedProblemException(400, "Bad Request", detail, field);
