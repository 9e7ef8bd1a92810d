using Feed.SharedKernel.Paging;
using Feed.SharedKernel.Validation;
using Feed.Social.Contracts;
using Feed.Social.Paging;
using FluentValidation;
using Mediator;

namespace Feed.Social.Follows.GetFollowerBatch;

internal sealed class GetFollowerBatchValidator : AbstractValidator<Contracts.GetFollowerBatch>
{
    public const int MaxBatchSize = 10_000;

    public GetFollowerBatchValidator()
    {
        RuleFor(query => query.BatchSize).InclusiveBetween(1, MaxBatchSize)
            .WithMessage($"'batch_size' must be between 1 and {MaxBatchSize}.");
        RuleFor(query => query.Cursor).ValidInternalCursor();
    }
}

/// <summary>Walks a followee's <c>followers</c> partition in clustering order, one batch per call.</summary>
internal sealed class GetFollowerBatchHandler(IFollowStore follows) : IQueryHandler<Contracts.GetFollowerBatch, FollowerBatch>
{
    public async ValueTask<FollowerBatch> Handle(Contracts.GetFollowerBatch query, CancellationToken cancellationToken)
    {
        var rows = await follows.ListFollowersAsync(query.FolloweeId, Cursor.DecodeOrNull(query.Cursor), query.BatchSize + 1, cancellationToken);
        var (batch, next) = NewestFirstPage.Cut(rows, query.BatchSize, entry => new SequenceKey(entry.FollowedOn, entry.UserId));
        return new FollowerBatch(batch.Select(entry => entry.UserId).ToArray(), next?.Encode());
    }
}
