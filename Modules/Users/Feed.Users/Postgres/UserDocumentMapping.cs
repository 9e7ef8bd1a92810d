using Marten;

namespace Feed.Users.Postgres;

/// <summary>
/// How the <c>users</c> table is laid out in PostgreSQL: the document id is the user id (the
/// partition key), and the lower-cased username and email are columns with unique indexes, which
/// is what makes registration and email changes atomic under concurrency.
/// </summary>
internal static class UserDocumentMapping
{
    /// <summary>Gives the table its name, <c>mt_doc_users</c>, which other modules' stores check writes against (<c>RegisteredUsers</c>).</summary>
    public const string TableAlias = "users";
    public const string UsernameKeyIndex = "mt_doc_users_uidx_username_key";
    public const string EmailKeyIndex = "mt_doc_users_uidx_email_key";

    /// <summary>
    /// The username key compared byte by byte ("C" collation), whatever the database's default
    /// collation: the order is then the ordinal order the port promises, and one index serves
    /// equality, the prefix range and its order. Queries must use this exact expression to use it.
    /// </summary>
    public const string UsernameKeyOrdinal = "username_key COLLATE \"C\"";

    public static void Configure(StoreOptions options) =>
        options.Schema.For<UserDocument>()
            .DocumentAlias(TableAlias)
            .Duplicate(document => document.UsernameKey, notNull: true, configure: index =>
            {
                index.Name = UsernameKeyIndex;
                index.IsUnique = true;
                index.Collation = "C";
            })
            .Duplicate(document => document.EmailKey, notNull: true, configure: index =>
            {
                index.Name = EmailKeyIndex;
                index.IsUnique = true;
            });
}
