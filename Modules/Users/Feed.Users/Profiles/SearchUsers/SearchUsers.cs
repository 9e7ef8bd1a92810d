using Feed.SharedKernel.Paging;
using Feed.SharedKernel.Validation;
using FluentValidation;

namespace Feed.Users.Profiles.SearchUsers;

/// <summary>Users whose username starts with <see cref="Username"/>, ignoring case, in username order.</summary>
internal sealed record SearchUsers(string? Username, PageRequest Page) : IQuery<Page<PublicProfile>>;

internal sealed class SearchUsersValidator : AbstractValidator<SearchUsers>
{
    public SearchUsersValidator()
    {
        RuleLevelCascadeMode = CascadeMode.Stop;
        // A limit that is no integer is refused alone, as it was when the endpoint parsed it before validation.
        When(x => x.Page.HasIntegerLimit, () =>
            RuleFor(x => x.Username)
                .PlainText("username")
                .NotEmpty().WithMessage("'username' is required: the prefix of the usernames to find.")
                .MaximumLength(UserRules.UsernameMaxLength).WithMessage($"'username' must be at most {UserRules.UsernameMaxLength} characters long."));
        RuleFor(x => x.Page).ValidLimit();
    }
}

internal sealed class SearchUsersHandler(IUserStore store) : IQueryHandler<SearchUsers, Page<PublicProfile>>
{
    public async ValueTask<Page<PublicProfile>> Handle(SearchUsers query, CancellationToken cancellationToken)
    {
        var users = await store.SearchByUsernamePrefixAsync(query.Username!, query.Page.Size, cancellationToken);

        // No cursor yet: a prefix search is for picking someone, the first page is what matters.
        return new Page<PublicProfile>(users.Select(PublicProfile.Of).ToList(), NextCursor: null);
    }
}

internal static class SearchUsersEndpoint
{
    // A search has no next page: only the limit of a page request is bound, so no cursor is offered that it would ignore.
    [EndpointName("SearchUsers"), EndpointSummary("Finds users by username prefix.")]
    [ProducesProblem(StatusCodes.Status400BadRequest)]
    public static async Task<Ok<Page<PublicProfile>>> Handle(string? username, string? limit, ISender sender, CancellationToken cancellationToken) =>
        TypedResults.Ok(await sender.Send(new SearchUsers(username, new PageRequest { Limit = limit }), cancellationToken));
}
