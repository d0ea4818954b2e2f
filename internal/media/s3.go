package media

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"golang.org/x/sync/errgroup"
)

// S3 is a Store in a bucket of Amazon S3 or any S3-compatible server. Objects are written
// whole (PutObject, or a multipart upload completed only once every part is in), so a reader
// never sees half of one; scratch work happens in a local directory.
type S3 struct {
	client  *s3.Client
	presign *s3.PresignClient
	bucket  string
	prefix  string // "" or a key ending in "/"
	// redirect, when set, answers segment requests with a presigned URL valid this long,
	// on origin (scheme://host).
	redirect time.Duration
	origin   string
	// partSize is the largest object sent in one PutObject and the size of multipart parts.
	partSize int64
	scratchArea
}

const (
	defaultPartSize = 64 << 20
	// publishers bounds the uploads one Publish runs at once.
	publishers = 8
	// maxRedirect keeps presigned URLs short-lived: they are bearer credentials for one object.
	maxRedirect = time.Hour
)

var validBucket = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$`)

// OpenS3 opens the store named by s3://[ACCESS_KEY:SECRET_KEY@]bucket[/prefix][?query]:
//
//	endpoint=http://host:port  an S3-compatible server instead of AWS; addressed path-style
//	region=us-east-1           the bucket's region (else AWS_REGION or the AWS config files;
//	                           us-east-1 when an endpoint is given)
//	redirect=1m                answer segment requests with a presigned URL valid this long
//	                           (after the token check) instead of proxying them
//
// Credentials come from the URL's user info when present, otherwise from the standard AWS chain:
// AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, AWS_PROFILE and the shared config files, or the
// machine's role. The bucket must exist; OpenS3 checks that it can reach it.
func OpenS3(ctx context.Context, u *url.URL, scratchDir string) (*S3, error) {
	s := &S3{bucket: u.Host, prefix: strings.Trim(u.Path, "/"), partSize: defaultPartSize}
	if !validBucket.MatchString(s.bucket) {
		return nil, fmt.Errorf("media url: %q is not a bucket name (s3://bucket/prefix)", s.bucket)
	}
	if s.prefix != "" {
		if err := checkKey(s.prefix); err != nil {
			return nil, fmt.Errorf("media url: prefix %q: use plain names separated by slashes", s.prefix)
		}
		s.prefix += "/"
	}
	opts := []func(*awsconfig.LoadOptions) error{
		// Checksums only where S3 demands them: many S3-compatible servers reject the newer
		// trailing checksums the SDK would otherwise add to every upload.
		awsconfig.WithRequestChecksumCalculation(aws.RequestChecksumCalculationWhenRequired),
		awsconfig.WithResponseChecksumValidation(aws.ResponseChecksumValidationWhenRequired),
	}
	if pw, ok := u.User.Password(); ok {
		opts = append(opts, awsconfig.WithCredentialsProvider(credentials.NewStaticCredentialsProvider(u.User.Username(), pw, "")))
	} else if u.User != nil {
		return nil, errors.New("media url: give both keys as s3://ACCESS_KEY:SECRET_KEY@bucket, or neither and set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY")
	}
	var endpoint string
	for name, vals := range u.Query() {
		v := vals[len(vals)-1]
		switch name {
		case "endpoint":
			e, err := url.Parse(v)
			if err != nil || (e.Scheme != "http" && e.Scheme != "https") || e.Host == "" {
				return nil, fmt.Errorf("media url: endpoint %q is not an http(s):// URL", v)
			}
			endpoint = v
		case "region":
			opts = append(opts, awsconfig.WithRegion(v))
		case "redirect":
			d, err := time.ParseDuration(v)
			if err != nil || d < time.Second || d > maxRedirect {
				return nil, fmt.Errorf("media url: redirect %q must be a duration from 1s to %s, such as 1m", v, maxRedirect)
			}
			s.redirect = d
		default:
			return nil, fmt.Errorf("media url: unknown parameter %q (known: endpoint, region, redirect)", name)
		}
	}
	cfg, err := awsconfig.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return nil, fmt.Errorf("media url: aws config: %w", err)
	}
	if cfg.Region == "" {
		if endpoint == "" {
			return nil, errors.New("media url: no region: add ?region=… or set AWS_REGION")
		}
		cfg.Region = "us-east-1" // what most S3-compatible servers expect when they do not care
	}
	s.client = s3.NewFromConfig(cfg, func(o *s3.Options) {
		if endpoint != "" {
			o.BaseEndpoint = aws.String(endpoint)
			o.UsePathStyle = true
		}
	})
	s.presign = s3.NewPresignClient(s.client)
	if s.redirect > 0 {
		// Presigning is local: one made now tells where every redirect will send browsers.
		req, err := s.presign.PresignGetObject(ctx, &s3.GetObjectInput{Bucket: &s.bucket, Key: aws.String(s.prefix + "origin")})
		if err != nil {
			return nil, fmt.Errorf("media url: presign: %w", err)
		}
		ru, err := url.Parse(req.URL)
		if err != nil {
			return nil, fmt.Errorf("media url: presign: %w", err)
		}
		s.origin = ru.Scheme + "://" + ru.Host
	}

	abs, err := filepath.Abs(scratchDir)
	if err != nil {
		return nil, fmt.Errorf("media scratch: %w", err)
	}
	s.scratchArea = scratchArea(abs)

	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if _, err := s.client.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: &s.bucket}); err != nil {
		return nil, fmt.Errorf("media url: bucket %q: %w", s.bucket, err)
	}
	if err := os.MkdirAll(abs, 0o750); err != nil {
		return nil, fmt.Errorf("media scratch: %w", err)
	}
	return s, nil
}

// name is key's object name in the bucket.
func (s *S3) name(key string) (string, error) {
	if err := checkKey(key); err != nil {
		return "", err
	}
	return s.prefix + key, nil
}

// Put implements Store. The content is spooled to local scratch first: that enforces the limit
// before anything is sent and gives the upload a known length and a body it can retry.
func (s *S3) Put(ctx context.Context, key string, r io.Reader, limit int64) (int64, error) {
	name, err := s.name(key)
	if err != nil {
		return 0, err
	}
	if err := ctx.Err(); err != nil {
		return 0, fmt.Errorf("media: put %s: %w", key, err)
	}
	tmp, n, err := s.spool(ctx, r, limit)
	if err != nil {
		return n, err
	}
	defer os.Remove(tmp.Name())
	defer tmp.Close()
	return n, s.upload(ctx, name, tmp, n)
}

// upload sends size bytes of f as one object, in parts when it is large. A multipart upload
// becomes visible only when it is completed, and is aborted on any failure.
func (s *S3) upload(ctx context.Context, name string, f *os.File, size int64) error {
	ctype, cache := objectHeaders(name)
	if size <= s.partSize {
		_, err := s.client.PutObject(ctx, &s3.PutObjectInput{
			Bucket: &s.bucket, Key: &name, Body: io.NewSectionReader(f, 0, size), ContentLength: &size,
			ContentType: ctype, CacheControl: cache,
		})
		if err != nil {
			return fmt.Errorf("media: upload %s: %w", name, err)
		}
		return nil
	}
	mp, err := s.client.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{
		Bucket: &s.bucket, Key: &name, ContentType: ctype, CacheControl: cache,
	})
	if err != nil {
		return fmt.Errorf("media: upload %s: %w", name, err)
	}
	var parts []types.CompletedPart
	for off := int64(0); off < size && err == nil; off += s.partSize {
		n := min(s.partSize, size-off)
		num := int32(len(parts) + 1)
		var out *s3.UploadPartOutput
		out, err = s.client.UploadPart(ctx, &s3.UploadPartInput{
			Bucket: &s.bucket, Key: &name, UploadId: mp.UploadId, PartNumber: &num,
			Body: io.NewSectionReader(f, off, n), ContentLength: &n,
		})
		if err == nil {
			parts = append(parts, types.CompletedPart{ETag: out.ETag, PartNumber: &num})
		}
	}
	if err == nil {
		_, err = s.client.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{
			Bucket: &s.bucket, Key: &name, UploadId: mp.UploadId,
			MultipartUpload: &types.CompletedMultipartUpload{Parts: parts},
		})
	}
	if err != nil {
		_, _ = s.client.AbortMultipartUpload(context.WithoutCancel(ctx), &s3.AbortMultipartUploadInput{
			Bucket: &s.bucket, Key: &name, UploadId: mp.UploadId,
		})
		return fmt.Errorf("media: upload %s: %w", name, err)
	}
	return nil
}

// objectHeaders are the Content-Type and Cache-Control an object is stored with, the same the
// handler answers with, so that a presigned redirect or a CDN reading the bucket gets them too.
func objectHeaders(name string) (ctype, cache *string) {
	if k, ok := kindOf(name); ok {
		return &k.contentType, &k.cache
	}
	return nil, nil
}

// Publish implements Store: it uploads every file of tmpDir under key, then deletes whatever
// else was under key (the output of an earlier attempt), then the scratch directory. Readers
// learn of the key from the database only after Publish returns, so the ladder is never seen
// half uploaded. A context that ends part way leaves some files uploaded; the retry that
// publishes again replaces them.
func (s *S3) Publish(ctx context.Context, tmpDir, key string) error {
	if err := s.check(tmpDir); err != nil {
		return err
	}
	base, err := s.name(key)
	if err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("media: publish %s: %w", key, err)
	}
	base += "/"
	var rels []string
	err = filepath.WalkDir(tmpDir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() {
			return err
		}
		rel, err := filepath.Rel(tmpDir, p)
		rels = append(rels, filepath.ToSlash(rel))
		return err
	})
	if err != nil {
		return fmt.Errorf("media: publish %s: %w", key, err)
	}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(publishers)
	for _, rel := range rels {
		g.Go(func() error {
			f, err := os.Open(filepath.Join(tmpDir, filepath.FromSlash(rel)))
			if err != nil {
				return err
			}
			defer f.Close()
			fi, err := f.Stat()
			if err != nil {
				return err
			}
			return s.upload(gctx, base+rel, f, fi.Size())
		})
	}
	if err := g.Wait(); err != nil {
		return fmt.Errorf("media: publish %s: %w", key, err)
	}
	fresh := make(map[string]bool, len(rels))
	for _, rel := range rels {
		fresh[base+rel] = true
	}
	if err := s.deleteUnder(ctx, base, func(name string) bool { return !fresh[name] }); err != nil {
		return fmt.Errorf("media: publish %s: %w", key, err)
	}
	if err := os.RemoveAll(tmpDir); err != nil {
		return fmt.Errorf("media: publish %s: %w", key, err)
	}
	return nil
}

// deleteUnder deletes the objects whose name starts with prefix and for which doomed is true.
func (s *S3) deleteUnder(ctx context.Context, prefix string, doomed func(string) bool) error {
	pages := s3.NewListObjectsV2Paginator(s.client, &s3.ListObjectsV2Input{Bucket: &s.bucket, Prefix: &prefix})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("list %s: %w", prefix, err)
		}
		var ids []types.ObjectIdentifier
		for _, o := range page.Contents {
			if doomed(aws.ToString(o.Key)) {
				ids = append(ids, types.ObjectIdentifier{Key: o.Key})
			}
		}
		if len(ids) == 0 {
			continue
		}
		out, err := s.client.DeleteObjects(ctx, &s3.DeleteObjectsInput{
			Bucket: &s.bucket, Delete: &types.Delete{Objects: ids, Quiet: aws.Bool(true)},
		})
		if err != nil {
			return fmt.Errorf("delete under %s: %w", prefix, err)
		}
		if len(out.Errors) > 0 {
			e := out.Errors[0]
			return fmt.Errorf("delete %s: %s", aws.ToString(e.Key), aws.ToString(e.Message))
		}
	}
	return nil
}

// Open implements Store with one HEAD; the content is fetched when it is read.
func (s *S3) Open(ctx context.Context, key string) (Object, error) {
	name, err := s.name(key)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", err, fs.ErrNotExist)
	}
	head, err := s.client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: &s.bucket, Key: &name})
	if err != nil {
		return nil, s.failed("open", name, err)
	}
	return &s3Object{ctx: ctx, s: s, name: name, etag: head.ETag, size: aws.ToInt64(head.ContentLength), mod: aws.ToTime(head.LastModified)}, nil
}

// failed wraps an S3 error, as fs.ErrNotExist when the object is missing.
func (s *S3) failed(op, name string, err error) error {
	var re *awshttp.ResponseError
	if errors.As(err, &re) && re.HTTPStatusCode() == http.StatusNotFound {
		return fmt.Errorf("media: %s %s: %w", op, name, fs.ErrNotExist)
	}
	return fmt.Errorf("media: %s %s: %w", op, name, err)
}

// Fetch implements Store: it downloads key into dir.
func (s *S3) Fetch(ctx context.Context, key, dir string) (string, error) {
	name, err := s.name(key)
	if err != nil {
		return "", err
	}
	dst := filepath.Join(dir, path.Base(key))
	if err := s.download(ctx, name, dst); err != nil {
		return "", err
	}
	return dst, nil
}

// FetchAll implements Store: it lists the objects under key and downloads each into dir.
func (s *S3) FetchAll(ctx context.Context, key, dir string) error {
	name, err := s.name(key)
	if err != nil {
		return err
	}
	prefix := name + "/"
	pages := s3.NewListObjectsV2Paginator(s.client, &s3.ListObjectsV2Input{Bucket: &s.bucket, Prefix: &prefix})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("media: list %s: %w", prefix, err)
		}
		for _, o := range page.Contents {
			rel := strings.TrimPrefix(aws.ToString(o.Key), prefix)
			if !filepath.IsLocal(rel) {
				continue
			}
			dst := filepath.Join(dir, filepath.FromSlash(rel))
			if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
				return fmt.Errorf("media: %w", err)
			}
			if err := s.download(ctx, aws.ToString(o.Key), dst); err != nil {
				return err
			}
		}
	}
	return nil
}

// download copies object name into a new local file dst.
func (s *S3) download(ctx context.Context, name, dst string) error {
	out, err := s.client.GetObject(ctx, &s3.GetObjectInput{Bucket: &s.bucket, Key: &name})
	if err != nil {
		return s.failed("fetch", name, err)
	}
	defer out.Body.Close()
	return writeNew(dst, out.Body)
}

// Remove implements Store.
func (s *S3) Remove(ctx context.Context, key string) error {
	name, err := s.name(key)
	if err != nil {
		return err
	}
	if _, err := s.client.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: &s.bucket, Key: &name}); err != nil {
		return fmt.Errorf("media: remove %s: %w", name, err)
	}
	if err := s.deleteUnder(ctx, name+"/", func(string) bool { return true }); err != nil {
		return fmt.Errorf("media: remove %s: %w", key, err)
	}
	return nil
}

// Origins implements Redirector: where segment redirects send browsers, if anywhere.
func (s *S3) Origins() []string {
	if s.origin == "" {
		return nil
	}
	return []string{s.origin}
}

// RedirectURL implements Redirector: a presigned GET of key valid for the configured time,
// or "" when the store proxies everything.
func (s *S3) RedirectURL(ctx context.Context, key, contentType, cacheControl string) (string, error) {
	if s.redirect == 0 {
		return "", nil
	}
	name, err := s.name(key)
	if err != nil {
		return "", err
	}
	req, err := s.presign.PresignGetObject(ctx, &s3.GetObjectInput{
		Bucket: &s.bucket, Key: &name, ResponseContentType: &contentType, ResponseCacheControl: &cacheControl,
	}, s3.WithPresignExpires(s.redirect))
	if err != nil {
		return "", fmt.Errorf("media: presign %s: %w", name, err)
	}
	return req.URL, nil
}

// s3Object reads an object as ranged GETs: one from the first byte read to the end, and a new
// one only when a seek moves away from where the last stopped (a multipart/byteranges answer).
// Every GET is conditional on the ETag Open saw, so a replaced object fails the read instead of
// mixing two versions.
type s3Object struct {
	ctx  context.Context
	s    *S3
	name string
	etag *string
	size int64
	mod  time.Time
	pos  int64         // the position Seek and Read agree on
	body io.ReadCloser // an open GET, whose next byte is at
	at   int64
}

func (o *s3Object) Size() int64        { return o.size }
func (o *s3Object) ModTime() time.Time { return o.mod }

func (o *s3Object) Seek(offset int64, whence int) (int64, error) {
	pos, err := seekTo(o.pos, o.size, offset, whence)
	if err == nil {
		o.pos = pos
	}
	return pos, err
}

func (o *s3Object) Read(p []byte) (int, error) {
	if o.pos >= o.size {
		return 0, io.EOF
	}
	if o.body == nil || o.at != o.pos {
		o.Close()
		out, err := o.s.client.GetObject(o.ctx, &s3.GetObjectInput{
			Bucket: &o.s.bucket, Key: &o.name, IfMatch: o.etag,
			Range: aws.String("bytes=" + strconv.FormatInt(o.pos, 10) + "-"),
		})
		if err != nil {
			return 0, o.s.failed("read", o.name, err)
		}
		o.body, o.at = out.Body, o.pos
	}
	n, err := o.body.Read(p)
	o.pos += int64(n)
	o.at = o.pos
	if errors.Is(err, io.EOF) && o.pos < o.size {
		err = io.ErrUnexpectedEOF
	}
	return n, err
}

func (o *s3Object) Close() error {
	if o.body == nil {
		return nil
	}
	err := o.body.Close()
	o.body = nil
	return err
}

var (
	_ Store      = (*S3)(nil)
	_ Redirector = (*S3)(nil)
)
